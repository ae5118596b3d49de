"""Browse and search on both databases: Chinese substrings, short words, filters, escaping."""

import pytest
from sqlalchemy.orm import Session

from shanhuo.catalog import search
from shanhuo.kit.errors import Invalid
from shanhuo.kit.pagination import PageParams
from shanhuo.models import Product
from tests.helpers.catalog import create_product
from tests.helpers.stores import create_store


@pytest.fixture
def market(db: Session) -> dict[str, Product]:
    shaanxi = create_store(db, county="610431")  # 陕西 武功 (west)
    yunnan = create_store(db, county="530102", category="flower_plant")  # 云南 昆明 (west)
    zhejiang = create_store(db, county="330106", category="tea")  # 浙江 杭州 (east)
    kiwi, _ = create_product(db, shaanxi, title="徐香猕猴桃 5斤", description="武功县产，酸甜多汁")
    apple, _ = create_product(db, shaanxi, title="洛川苹果", description="脆甜")
    succulent, _ = create_product(
        db, yunnan, title="多肉植物组合", description="昆明花卉", category="flower_plant"
    )
    tea, _ = create_product(
        db, zhejiang, title="西湖龙井茶叶", description="100% 明前 50%_off", category="tea"
    )
    db.flush()
    return {"kiwi": kiwi, "apple": apple, "succulent": succulent, "tea": tea}


def _ids(page: search.ProductPage) -> set[int]:
    return {item.id for item in page.items}


def test_three_character_chinese_substring(db: Session, market: dict[str, Product]) -> None:
    assert _ids(search.search(db, "猕猴桃")) == {market["kiwi"].id}


def test_match_in_description(db: Session, market: dict[str, Product]) -> None:
    assert _ids(search.search(db, "酸甜多汁")) == {market["kiwi"].id}


@pytest.mark.parametrize(("q", "key"), [("苹果", "apple"), ("茶叶", "tea"), ("桃", "kiwi")])
def test_one_or_two_character_words_fall_back_to_like(
    db: Session, market: dict[str, Product], q: str, key: str
) -> None:
    assert _ids(search.search(db, q)) == {market[key].id}


def test_every_term_must_match(db: Session, market: dict[str, Product]) -> None:
    assert _ids(search.search(db, "猕猴桃 武功")) == {market["kiwi"].id}
    assert _ids(search.search(db, "猕猴桃 昆明")) == set()


def test_latin_search_is_case_insensitive(db: Session, market: dict[str, Product]) -> None:
    store = create_store(db)
    product, _ = create_product(db, store, title="Organic Kiwi")
    assert _ids(search.search(db, "organic")) == {product.id}


@pytest.mark.parametrize(
    "q", ['"', "*", "%", "_", "'", "\\", '"猕猴', "AND", "NEAR(", "a OR b", "---", "%%%", "^*"]
)
def test_syntax_characters_do_not_error(db: Session, market: dict[str, Product], q: str) -> None:
    search.search(db, q)


def test_percent_is_literal(db: Session, market: dict[str, Product]) -> None:
    assert _ids(search.search(db, "%")) == {market["tea"].id}
    assert _ids(search.search(db, "50%_")) == {market["tea"].id}
    assert _ids(search.search(db, "0%_o")) == {market["tea"].id}


def test_blank_query_browses_everything(db: Session, market: dict[str, Product]) -> None:
    assert search.search(db, "   ").total == 4


def test_filter_by_category(db: Session, market: dict[str, Product]) -> None:
    assert _ids(search.browse(db, category="tea")) == {market["tea"].id}


def test_filter_by_province(db: Session, market: dict[str, Product]) -> None:
    assert _ids(search.browse(db, province="61")) == {market["kiwi"].id, market["apple"].id}


def test_filter_by_macro_region(db: Session, market: dict[str, Product]) -> None:
    west = {market["kiwi"].id, market["apple"].id, market["succulent"].id}
    assert _ids(search.browse(db, macro_region="west")) == west
    assert _ids(search.browse(db, macro_region="east")) == {market["tea"].id}
    assert search.browse(db, macro_region="northeast").total == 0


def test_search_with_filter(db: Session, market: dict[str, Product]) -> None:
    assert _ids(search.search(db, "甜", macro_region="west")) == {
        market["kiwi"].id,
        market["apple"].id,
    }
    assert _ids(search.search(db, "甜", macro_region="east")) == set()


def test_unknown_province_is_invalid(db: Session) -> None:
    with pytest.raises(Invalid) as exc:
        search.browse(db, province="99")
    assert exc.value.code == "province_unknown"


def test_hidden_products_and_closed_stores_are_not_listed(
    db: Session, market: dict[str, Product]
) -> None:
    market["apple"].status = "hidden"
    store = db.get(type(create_store(db)), market["succulent"].store_id)
    assert store is not None
    store.status = "closed"
    db.flush()
    assert _ids(search.browse(db)) == {market["kiwi"].id, market["tea"].id}
    assert _ids(search.search(db, "多肉植物")) == set()


def test_search_follows_title_edits(db: Session, market: dict[str, Product]) -> None:
    market["kiwi"].title = "红心猕猴桃"
    db.flush()
    assert _ids(search.search(db, "红心猕")) == {market["kiwi"].id}
    assert _ids(search.search(db, "徐香猕")) == set()


def test_pagination(db: Session, market: dict[str, Product]) -> None:
    first = search.browse(db, page=PageParams(page=1, size=3))
    second = search.browse(db, page=PageParams(page=2, size=3))
    assert (first.total, len(first.items), len(second.items)) == (4, 3, 1)
    assert _ids(first).isdisjoint(_ids(second))
    assert [i.id for i in first.items] == sorted(_ids(first), reverse=True)


def test_west_first_ordering(db: Session, market: dict[str, Product]) -> None:
    page = search.browse(db, west_first=True)
    assert page.items[-1].id == market["tea"].id


def test_card_has_price_and_availability(db: Session, market: dict[str, Product]) -> None:
    card = next(i for i in search.browse(db).items if i.id == market["kiwi"].id)
    assert (card.price_low_fen, card.price_high_fen, card.available) == (1990, 1990, 100)


def test_province_counts_west_first(db: Session, market: dict[str, Product]) -> None:
    counts = search.province_counts(db)
    assert counts[0] == ("61", "陕西省", 2)
    assert counts[-1] == ("33", "浙江省", 1)
