"""Merchant credit: features from a store's own sales, scorecard models, credit lines and pricing, decisions with reasons, loans on a double-entry ledger."""
