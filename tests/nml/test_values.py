"""Tests of harmony.nml.values: ratings, dates, colours and numbers."""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harmony.nml.values import (
    TRACK_COLORS,
    format_cue_color,
    format_date,
    format_float,
    modified_stamp,
    parse_cue_color,
    parse_date,
    parse_float,
    parse_int,
    parse_modified_stamp,
    ranking_to_stars,
    stars_to_ranking,
    track_color_index,
    track_color_name,
)

UTC = dt.UTC

# --- rating ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ranking", "stars"),
    [
        (0, 0),
        (1, 0),
        (25, 0),
        (26, 1),  # 26/51 = 0.51 → 1
        (51, 1),
        (64, 1),
        (76, 1),  # 1.49
        (77, 2),  # 1.51
        (102, 2),
        (128, 3),  # 2.51, found in real files (POPM)
        (153, 3),
        (196, 4),
        (204, 4),
        (205, 4),  # TraktorBuddy's 4 stars
        (229, 4),  # 4.49
        (230, 5),  # 4.51
        (255, 5),
        (300, 5),  # out of range: clamped
        (-5, 0),
    ],
)
def test_ranking_to_stars(ranking: int, stars: int) -> None:
    assert ranking_to_stars(ranking) == stars


@pytest.mark.parametrize(("stars", "ranking"), [(0, 0), (1, 51), (2, 102), (3, 153), (4, 204), (5, 255)])
def test_stars_to_ranking(stars: int, ranking: int) -> None:
    assert stars_to_ranking(stars) == ranking


@pytest.mark.parametrize("bad", [-1, 6, 255, True, 2.5, "3", None])
def test_stars_to_ranking_rejects(bad: object) -> None:
    with pytest.raises(ValueError, match="0 to 5"):
        stars_to_ranking(bad)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=5))
def test_stars_round_trip(stars: int) -> None:
    assert ranking_to_stars(stars_to_ranking(stars)) == stars


@given(st.integers(min_value=0, max_value=255))
def test_ranking_maps_to_the_nearest_star(ranking: int) -> None:
    stars = ranking_to_stars(ranking)
    distance = abs(stars_to_ranking(stars) - ranking)
    assert distance <= 25  # 25.5 is never reached by a whole ranking, so there is no tie to break
    for other in range(6):
        assert abs(stars_to_ranking(other) - ranking) >= distance


@given(st.integers(min_value=-1000, max_value=1000), st.integers(min_value=-1000, max_value=1000))
def test_ranking_to_stars_is_monotonic(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert 0 <= ranking_to_stars(low) <= ranking_to_stars(high) <= 5


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2019/8/29", dt.date(2019, 8, 29)),
        ("2019/08/09", dt.date(2019, 8, 9)),  # padding tolerated
        ("2024/12/31", dt.date(2024, 12, 31)),
        (" 2019/8/29 ", dt.date(2019, 8, 29)),
        ("2020/2/29", dt.date(2020, 2, 29)),
        ("1/1/1", dt.date(1, 1, 1)),
        ("", None),
        ("   ", None),
        ("2019/2/30", None),
        ("2019/2/29", None),
        ("2019/13/1", None),
        ("2019/0/1", None),
        ("2019/1/0", None),
        ("0/1/1", None),
        ("2019-08-29", None),
        ("2019/8", None),
        ("2019/8/29/1", None),
        ("29/8/2019", None),
        ("12019/8/29", None),
        ("٢٠١٩/8/29", None),  # non-ASCII digits
        ("garbage", None),
    ],
)
def test_parse_date(text: str, date: dt.date | None) -> None:
    assert parse_date(text) == date


@pytest.mark.parametrize(
    ("date", "text"),
    [
        (dt.date(2019, 8, 29), "2019/8/29"),
        (dt.date(2024, 1, 5), "2024/1/5"),
        (dt.date(2010, 10, 10), "2010/10/10"),
        (dt.date(1, 1, 1), "1/1/1"),
    ],
)
def test_format_date(date: dt.date, text: str) -> None:
    assert format_date(date) == text


@given(st.dates())
def test_date_round_trip(date: dt.date) -> None:
    text = format_date(date)
    assert re.fullmatch(r"[1-9]\d*/[1-9]\d?/[1-9]\d?", text)
    assert parse_date(text) == date


@pytest.mark.parametrize(
    ("now", "stamp"),
    [
        (dt.datetime(2019, 8, 29, 0, 0, 50, tzinfo=UTC), ("2019/8/29", "50")),
        (dt.datetime(2019, 8, 29, 23, 59, 40, 999_999, tzinfo=UTC), ("2019/8/29", "86380")),
        (dt.datetime(2019, 1, 2, 0, 0, 0, tzinfo=UTC), ("2019/1/2", "0")),
        # 01:00 in UTC+2 on 30 August is 23:00 UTC on 29 August
        (dt.datetime(2019, 8, 30, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))), ("2019/8/29", "82800")),
        (dt.datetime(2019, 12, 31, 20, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5))), ("2020/1/1", "5400")),
    ],
)
def test_modified_stamp(now: dt.datetime, stamp: tuple[str, str]) -> None:
    assert modified_stamp(now) == stamp


def test_modified_stamp_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="time-zone-aware"):
        modified_stamp(dt.datetime(2019, 8, 29, 12, 0))


@pytest.mark.parametrize(
    ("date_text", "time_text", "moment"),
    [
        ("2019/8/29", "50", dt.datetime(2019, 8, 29, 0, 0, 50, tzinfo=UTC)),
        ("2019/8/29", "86380", dt.datetime(2019, 8, 29, 23, 59, 40, tzinfo=UTC)),
        ("2019/8/29", "", dt.datetime(2019, 8, 29, tzinfo=UTC)),
        ("2019/8/29", "x", dt.datetime(2019, 8, 29, tzinfo=UTC)),
        ("2019/8/29", "86400", None),
        ("2019/8/29", "-1", None),
        ("", "50", None),
        ("2019/2/30", "50", None),
    ],
)
def test_parse_modified_stamp(date_text: str, time_text: str, moment: dt.datetime | None) -> None:
    assert parse_modified_stamp(date_text, time_text) == moment


@given(st.datetimes(timezones=st.sampled_from([UTC, dt.timezone(dt.timedelta(hours=-7, minutes=-30))])))
def test_modified_stamp_round_trip(now: dt.datetime) -> None:
    date_text, time_text = modified_stamp(now)
    assert 0 <= int(time_text) < 86_400
    moment = parse_modified_stamp(date_text, time_text)
    assert moment == now.replace(microsecond=0)


# --- colours --------------------------------------------------------------------------------------

TRACK_COLOR_ROWS = [
    (1, "red"),
    (2, "orange"),
    (3, "yellow"),
    (4, "green"),
    (5, "blue"),
    (6, "violet"),
    (7, "magenta"),
]


def test_track_colors_table() -> None:
    assert dict(TRACK_COLORS) == dict(TRACK_COLOR_ROWS)
    with pytest.raises(TypeError):
        TRACK_COLORS[8] = "black"  # type: ignore[index]


@pytest.mark.parametrize(("index", "name"), TRACK_COLOR_ROWS)
def test_track_color_name_and_index(index: int, name: str) -> None:
    assert track_color_name(index) == name
    assert track_color_index(name) == index
    assert track_color_index(f" {name.upper()} ") == index


@pytest.mark.parametrize("bad", [0, 8, -1, True, None, "1"])
def test_track_color_name_rejects(bad: object) -> None:
    with pytest.raises(ValueError, match="1 to 7"):
        track_color_name(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["", "purple", "rot", "red-ish"])
def test_track_color_index_rejects(bad: str) -> None:
    with pytest.raises(ValueError, match="choose one of red, orange"):
        track_color_index(bad)


@pytest.mark.parametrize(
    ("text", "rgb", "canonical"),
    [
        ("#FFFFFF", (255, 255, 255), "#FFFFFF"),
        ("#000000", (0, 0, 0), "#000000"),
        ("#ff0000", (255, 0, 0), "#FF0000"),
        ("#1A2b3C", (26, 43, 60), "#1A2B3C"),
    ],
)
def test_cue_color(text: str, rgb: tuple[int, int, int], canonical: str) -> None:
    assert parse_cue_color(text) == rgb
    assert format_cue_color(rgb) == canonical


@pytest.mark.parametrize("bad", ["", "FFFFFF", "#FFF", "#FFFFFFF", "#GGGGGG", " #FFFFFF", "#FF FF FF", "#１２３４５６"])
def test_parse_cue_color_rejects(bad: str) -> None:
    with pytest.raises(ValueError, match="#RRGGBB"):
        parse_cue_color(bad)


@pytest.mark.parametrize("bad", [(256, 0, 0), (-1, 0, 0), (1, 2), (1, 2, 3, 4), (1.0, 2, 3), (True, 0, 0)])
def test_format_cue_color_rejects(bad: tuple[int, int, int]) -> None:
    with pytest.raises(ValueError, match="0 to 255"):
        format_cue_color(bad)


channels = st.integers(min_value=0, max_value=255)


@given(st.tuples(channels, channels, channels))
def test_cue_color_round_trip(rgb: tuple[int, int, int]) -> None:
    text = format_cue_color(rgb)
    assert re.fullmatch(r"#[0-9A-F]{6}", text)
    assert parse_cue_color(text) == rgb
    assert parse_cue_color(text.lower()) == rgb


# --- numbers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "six", "short"),
    [
        (130.0, "130.000000", "130"),
        (139.653, "139.653000", "139.653"),
        (0.0, "0.000000", "0"),
        (-0.0, "0.000000", "0"),
        (1e-7, "0.000000", "0"),
        (-1e-7, "0.000000", "0"),
        (-1.5, "-1.500000", "-1.5"),
        (0.5, "0.500000", "0.5"),
        (100.0, "100.000000", "100"),
        (123456.7891234, "123456.789123", "123456.789123"),
        (1234567.0, "1234567.000000", "1234567"),
        (1.03544e-06, "0.000001", "0.000001"),
        (0.0000005, "0.000000", "0"),  # %.6f rounds half to even on the exact binary value
    ],
)
def test_format_float(value: float, six: str, short: str) -> None:
    assert format_float(value, six_decimals=True) == six
    assert format_float(value, six_decimals=False) == short


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_format_float_rejects_non_finite(bad: float) -> None:
    for six_decimals in (True, False):
        with pytest.raises(ValueError, match="finite"):
            format_float(bad, six_decimals=six_decimals)


@given(st.floats(min_value=-1e7, max_value=1e7))
def test_both_float_styles_read_back_the_same(value: float) -> None:
    six = parse_float(format_float(value, six_decimals=True))
    short = parse_float(format_float(value, six_decimals=False))
    assert six is not None
    assert six == short
    assert abs(six - value) <= 5e-7 + 1e-9


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("130", 130.0),
        ("139.653", 139.653),
        ("130.000000", 130.0),
        (" 1.5 ", 1.5),
        ("1.03544e-06", 1.03544e-06),
        ("-1.52053", -1.52053),
        ("+2", 2.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("1E3", 1000.0),
        ("", None),
        ("  ", None),
        ("abc", None),
        ("nan", None),
        ("inf", None),
        ("-Infinity", None),
        ("1e999", None),
        ("1_000", None),
        ("1,5", None),
        ("1.2.3", None),
        ("٣", None),
    ],
)
def test_parse_float(text: str, value: float | None) -> None:
    assert parse_float(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12),
        ("-1", -1),
        (" 7 ", 7),
        ("+3", 3),
        ("0", 0),
        ("007", 7),
        ("12.0", 12),
        ("12.", 12),
        ("12.5", None),
        ("", None),
        ("abc", None),
        ("1_000", None),
        ("1e3", None),
        ("٣", None),
        ("0x10", None),
    ],
)
def test_parse_int(text: str, value: int | None) -> None:
    assert parse_int(text) == value


@given(st.integers())
def test_int_round_trip(value: int) -> None:
    assert parse_int(str(value)) == value
