"""Pure logistics rules: scan state machine (every pair), node checks, geography, time windows,
loads, largest-remainder splitting, tracking numbers, legs — and the routing layer on tiny
problems (PyVRP in-process, well under a second each)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from shanhuo.kit.errors import Conflict, Invalid
from shanhuo.kit.masking import mask_mobile, mask_name
from shanhuo.logistics import rules
from shanhuo.logistics.routing.solver import RoutingProblem, StopIn, VehicleIn, solve_problem
from shanhuo.logistics.rules import ParcelStatus as P
from shanhuo.logistics.rules import ScanEventKind as E

T0 = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("status", list(P))
@pytest.mark.parametrize("event", list(E))
def test_every_status_event_pair(status: P, event: E) -> None:
    if event == E.DELAYED:
        if status in rules.TERMINAL:
            with pytest.raises(Conflict):
                rules.next_status(status, event)
        else:
            assert rules.next_status(status, event) == status
    elif (status, event) in rules.SCAN_TRANSITIONS:
        assert rules.next_status(status, event) == rules.SCAN_TRANSITIONS[(status, event)]
    else:
        with pytest.raises(Conflict) as info:
            rules.next_status(status, event)
        assert info.value.code == "scan_out_of_sequence"
        assert info.value.status == 409


def test_delivered_before_collected_is_refused() -> None:
    with pytest.raises(Conflict) as info:
        rules.next_status("created", "delivered")
    assert info.value.extra == {"status_now": "created", "event": "delivered"}


def test_upward_and_downward_journeys_are_allowed_sequences() -> None:
    up = [
        "collected",
        "departed",
        "arrived",
        "departed",
        "arrived",
        "handed_to_carrier",
        "delivered",
    ]
    status = P.CREATED
    for event in up:
        status = rules.next_status(status, event)
    assert status == P.DELIVERED
    down = ["received_from_carrier", "departed", "arrived_service_point", "picked_up"]
    status = P.CREATED
    for event in down:
        status = rules.next_status(status, event)
    assert status == P.DELIVERED


def test_every_status_and_event_has_names() -> None:
    assert set(rules.STATUS_NAMES) == {s.value for s in P}
    assert set(rules.EVENT_NAMES) == {e.value for e in E}


PATH = rules.ParcelPath(nodes=(3, 2, 1), origin=3, destination=None, hub=1)
DOWN = rules.ParcelPath(nodes=(1, 2, 3), origin=1, destination=3, hub=1)


@pytest.mark.parametrize(
    ("path", "event", "node", "allowed"),
    [
        (PATH, "collected", 3, True),
        (PATH, "collected", 2, False),
        (PATH, "arrived", 2, True),
        (PATH, "arrived", 9, False),
        (PATH, "departed", 3, True),
        (PATH, "handed_to_carrier", 1, True),
        (PATH, "handed_to_carrier", 2, False),
        (PATH, "delivered", None, True),
        (PATH, "arrived", None, False),
        (DOWN, "arrived_service_point", 3, True),
        (DOWN, "arrived_service_point", 2, False),
        (DOWN, "picked_up", 3, True),
        (DOWN, "received_from_carrier", 1, True),
        (DOWN, "received_from_carrier", 3, False),
        (DOWN, "failed", 9, False),
    ],
)
def test_node_allowed(path: rules.ParcelPath, event: str, node: int | None, allowed: bool) -> None:
    assert rules.node_allowed(path, event, node) is allowed


def test_paths_follow_the_parent_chain() -> None:
    assert rules.upward_path([30, 20, 10]) == (30, 20, 10)
    assert rules.downward_path([30, 20, 10]) == (10, 20, 30)


# Geography ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat", "lon"), [(34.26, 108.21), (39.9, 116.4), (53.4, 122.3), (18.25, 109.5)]
)
def test_points_in_china_pass(lat: float, lon: float) -> None:
    rules.check_in_china(lat, lon)


@pytest.mark.parametrize(
    ("lat", "lon"), [(51.5, -0.12), (0.0, 0.0), (35.0, 140.0), (float("nan"), 108.0), (60.0, 100.0)]
)
def test_points_outside_china_are_refused(lat: float, lon: float) -> None:
    with pytest.raises(Invalid) as info:
        rules.check_in_china(lat, lon)
    assert info.value.code == "coordinates_outside_china"


def test_wgs84_to_gcj02_matches_the_published_pair() -> None:
    # coordtransform (wandergis/coordtransform README): wgs84togcj02(116.404, 39.915)
    # → [116.41024449916938, 39.91640428150164]
    lat, lon = rules.wgs84_to_gcj02(39.915, 116.404)
    assert lat == pytest.approx(39.91640428150164, abs=1e-12)
    assert lon == pytest.approx(116.41024449916938, abs=1e-12)


def test_gcj02_offset_is_hundreds_of_metres_in_china_and_zero_outside() -> None:
    lat, lon = rules.wgs84_to_gcj02(34.26, 108.21)
    assert 100 < rules.haversine_m(34.26, 108.21, lat, lon) < 1000
    assert rules.wgs84_to_gcj02(48.85, 2.35) == (48.85, 2.35)


def test_haversine_beijing_shanghai() -> None:
    assert rules.haversine_m(39.9042, 116.4074, 31.2304, 121.4737) == pytest.approx(
        1_067_000, rel=0.005
    )


def test_road_estimate_applies_factor_and_speed() -> None:
    metres, seconds = rules.road_estimate(34.0, 108.0, 34.1, 108.0, road_factor=1.5, speed_kmh=36)
    straight = rules.haversine_m(34.0, 108.0, 34.1, 108.0)
    assert metres == round(straight * 1.5)
    assert seconds == round(straight * 1.5 / 10)


@pytest.mark.parametrize(("opens", "closes"), [(600, 540), (600, 600), (-1, 600), (0, 1441)])
def test_time_window_that_ends_before_it_starts_is_refused(opens: int, closes: int) -> None:
    with pytest.raises(Invalid) as info:
        rules.check_hours(opens, closes)
    assert info.value.code == "time_window_invalid"


def test_hhmm_round_trip() -> None:
    assert rules.parse_hhmm("08:30") == 510
    assert rules.parse_hhmm("24:00") == 1440
    assert rules.format_hhmm(510) == "08:30"
    with pytest.raises(ValueError):
        rules.parse_hhmm("24:30")


# Loads and cost sharing ---------------------------------------------------------------------


def test_peak_load_of_a_pickup_and_delivery_loop() -> None:
    stops = [rules.StopLoad((5,), (0,)), rules.StopLoad((0,), (8,)), rules.StopLoad((3,), (1,))]
    # leaves with 8; after stop 1: 3; after stop 2: 11; after stop 3: 9
    assert rules.peak_load(stops, 1) == (11,)


def test_overloaded_vehicle_is_refused_with_its_numbers() -> None:
    stops = [rules.StopLoad((5, 1, 0), (0, 0, 0)), rules.StopLoad((0, 0, 0), (8, 1, 2))]
    rules.check_capacity(stops, (8, 1, 2), plate="A")
    with pytest.raises(Invalid) as info:
        rules.check_capacity(stops, (7, 1, 2), plate="A")
    assert info.value.code == "vehicle_overloaded"
    assert info.value.extra == {"peak": [8, 1, 2], "capacity": [7, 1, 2]}


def test_largest_remainder_example() -> None:
    # 100 fen by 1:1:1 → 33.33 each; the first gets the left-over fen
    assert rules.split_largest_remainder(100, [1, 1, 1]) == [34, 33, 33]
    assert rules.split_largest_remainder(1000, [10.0, 30.0, 0.0]) == [250, 750, 0]
    assert rules.split_largest_remainder(7, [0, 0]) == [4, 3]
    assert rules.split_largest_remainder(0, [1, 2]) == [0, 0]
    assert rules.split_largest_remainder(5, []) == []


def test_largest_remainder_always_adds_up_exactly() -> None:
    rng = random.Random(3)
    for _ in range(500):
        total = rng.randint(0, 10_000_000)
        weights = [rng.uniform(0, 1000) for _ in range(rng.randint(1, 12))]
        parts = rules.split_largest_remainder(total, weights)
        assert sum(parts) == total
        exact = [total * w / sum(weights) for w in weights]
        assert all(abs(p - x) < 1 for p, x in zip(parts, exact, strict=True))


def test_largest_remainder_refuses_negative_input() -> None:
    with pytest.raises(ValueError):
        rules.split_largest_remainder(-1, [1])
    with pytest.raises(ValueError):
        rules.split_largest_remainder(1, [1, -1])


def test_route_cost() -> None:
    assert rules.route_cost_fen(12_345, cost_per_km_fen=150, fixed_cost_fen=5000) == 5000 + 1852


# Deadlines, numbers, legs, masking ----------------------------------------------------------


def test_deadline_is_payment_plus_shortest_shelf_life() -> None:
    assert rules.deadline_for(T0, [None, 7, 3]) == T0 + timedelta(days=3)
    assert rules.deadline_for(T0, [None]) is None
    assert rules.deadline_for(None, [3]) is None
    assert rules.misses_deadline(T0 + timedelta(days=4), T0 + timedelta(days=3))
    assert not rules.misses_deadline(T0, None)


def test_tracking_number_check_digit_catches_a_typo() -> None:
    number = rules.tracking_number("SH", 1234)
    assert number.startswith("SH0000001234")
    assert rules.is_valid_tracking_number(number)
    typo = number[:-2] + str((int(number[-2]) + 1) % 10) + number[-1]
    assert not rules.is_valid_tracking_number(typo)
    assert not rules.is_valid_tracking_number("XX123")


def test_legs_between_scans_skip_delay_notes() -> None:
    scans = [
        rules.ScanPoint("collected", 3, T0 + timedelta(hours=2)),
        rules.ScanPoint("delayed", None, T0 + timedelta(hours=3)),
        rules.ScanPoint("arrived", 1, T0 + timedelta(hours=6)),
    ]
    legs = rules.legs_of(scans, T0)
    assert [(name, frm, to) for name, frm, to, _, _ in legs] == [
        ("paid>collected", None, 3),
        ("collected>arrived", 3, 1),
    ]
    assert rules.hours_between(legs[1][3], legs[1][4]) == 4.0


def test_courier_sees_masked_name_and_mobile() -> None:
    assert mask_name("张三") == "张*"
    assert mask_mobile("13812341234") == "138****1234"


# Routing layer ------------------------------------------------------------------------------


def _line(n: int) -> list[list[int]]:
    return [[abs(i - j) * 1000 for j in range(n)] for i in range(n)]


def test_solver_respects_capacity_and_visits_every_stop() -> None:
    stops = tuple(StopIn(f"s{i}", i, (6,), (0,)) for i in range(1, 5))
    problem = RoutingProblem(
        distance=_line(5),
        duration=_line(5),
        stops=stops,
        dimensions=1,
        vehicles=(VehicleIn("a", (12,), 0, 0), VehicleIn("b", (12,), 0, 0)),
    )
    result = solve_problem(problem, seconds=0.2)
    assert result.feasible
    assert sorted(v.stop_key for r in result.routes for v in r.visits) == ["s1", "s2", "s3", "s4"]
    assert all(len(r.visits) == 2 for r in result.routes)
    assert result.unassigned == ()


def test_cold_stop_rides_only_the_refrigerated_vehicle() -> None:
    stops = (StopIn("cold", 1, (5, 5), (0, 0)), StopIn("dry", 2, (5, 0), (0, 0)))
    problem = RoutingProblem(
        distance=_line(3),
        duration=_line(3),
        stops=stops,
        dimensions=2,
        vehicles=(VehicleIn("plain", (100, 0), 0, 0), VehicleIn("fridge", (5, 5), 0, 0)),
    )
    result = solve_problem(problem, seconds=0.2)
    assert result.feasible
    owner = {v.stop_key: r.vehicle_key for r in result.routes for v in r.visits}
    assert owner["cold"] == "fridge"
    assert owner["dry"] == "plain"


def test_time_windows_order_the_visits() -> None:
    stops = (
        StopIn("late", 1, (1,), (0,), tw_early=5000, tw_late=6000),
        StopIn("early", 3, (1,), (0,), tw_late=3500),
    )
    problem = RoutingProblem(
        distance=_line(4),
        duration=_line(4),
        stops=stops,
        dimensions=1,
        vehicles=(VehicleIn("a", (10,), 0, 0),),
    )
    result = solve_problem(problem, seconds=0.2)
    assert result.feasible
    assert [v.stop_key for v in result.routes[0].visits] == ["early", "late"]
    assert result.routes[0].visits[1].arrive_s >= 5000


def test_pinned_stop_goes_to_its_vehicle_even_when_another_is_closer() -> None:
    stops = (StopIn("onboard", 1, (1,), (0,), only_vehicle="far"), StopIn("free", 2, (1,), (0,)))
    problem = RoutingProblem(
        distance=_line(5),
        duration=_line(5),
        stops=stops,
        dimensions=1,
        vehicles=(VehicleIn("near", (10,), 0, 0, fixed_cost=0), VehicleIn("far", (10,), 4, 0)),
    )
    result = solve_problem(problem, seconds=0.2)
    owner = {v.stop_key: r.vehicle_key for r in result.routes for v in r.visits}
    assert owner["onboard"] == "far"


def test_no_stops_is_an_empty_plan_and_no_vehicles_is_an_error() -> None:
    empty = RoutingProblem(
        distance=[[0]], duration=[[0]], stops=(), vehicles=(VehicleIn("a", (1,), 0, 0),)
    )
    assert solve_problem(empty, seconds=0.1).routes == ()
    with pytest.raises(ValueError):
        solve_problem(
            RoutingProblem(distance=[[0]], duration=[[0]], stops=(), vehicles=()), seconds=0.1
        )


def test_vehicle_already_out_takes_pickups_but_no_new_deliveries() -> None:
    stops = (StopIn("new_delivery", 1, (1,), (0,)), StopIn("pickup", 3, (0,), (1,)))
    problem = RoutingProblem(
        distance=_line(5),
        duration=_line(5),
        stops=stops,
        dimensions=1,
        vehicles=(
            VehicleIn("out", (10,), 2, 0, pickup_only=True),
            VehicleIn("home", (10,), 0, 0, fixed_cost=100_000),
        ),
    )
    result = solve_problem(problem, seconds=0.2)
    owner = {v.stop_key: r.vehicle_key for r in result.routes for v in r.visits}
    assert owner["new_delivery"] == "home"
    assert result.feasible
