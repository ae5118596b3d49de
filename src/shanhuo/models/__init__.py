"""ORM tables, one file per aggregate. Importing this package registers every table."""

from shanhuo.models.accounts import AuthToken, OneTimeCode, User, UserRole
from shanhuo.models.base import Base
from shanhuo.models.catalog import Category, Product, ProductPhoto, Sku
from shanhuo.models.orders import CartItem, Checkout, Order, OrderEvent, OrderLine
from shanhuo.models.payments import Payment, PaymentCallback, Refund, RejectedCallback, Settlement
from shanhuo.models.regions import Region
from shanhuo.models.stores import EntrepreneurEvent, Store

__all__ = [
    "AuthToken",
    "Base",
    "CartItem",
    "Category",
    "Checkout",
    "EntrepreneurEvent",
    "OneTimeCode",
    "Order",
    "OrderEvent",
    "OrderLine",
    "Payment",
    "PaymentCallback",
    "Product",
    "ProductPhoto",
    "Refund",
    "Region",
    "RejectedCallback",
    "Settlement",
    "Sku",
    "Store",
    "User",
    "UserRole",
]
