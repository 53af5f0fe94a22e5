"""Where the environment map puts a water body's or segment's name along its line: at its usual
place unless an outfall or a site (or a name already placed) sits there, then the nearest clear
place along the line."""

from openpark.environment.map import CHAR_DEGREES, PAD, label_point

# A river running north, 0.1° long.
RIVER = {"type": "LineString", "coordinates": [[120.26, 31.90], [120.26, 32.00]]}


def test_the_name_stays_at_its_place_when_nothing_is_there():
    assert label_point(RIVER, 0.1, []) == [120.26, 31.91]
    assert label_point(RIVER, 0.1, [[120.30, 31.91]]) == [120.26, 31.91]  # 0.04° east, beyond the name
    assert label_point(RIVER, 0.1, [[120.25, 31.91]]) == [120.26, 31.91]  # west: the name is to the east


def test_the_name_moves_off_an_outfall_sitting_at_its_place_or_under_its_text():
    for outfall in ([120.26, 31.91], [120.26 + 3 * CHAR_DEGREES, 31.91]):  # at the point, under the 4th character
        point = label_point(RIVER, 0.1, [outfall], length=6)
        assert point[0] == 120.26 and abs(point[1] - outfall[1]) >= PAD
        assert abs(point[1] - 31.91) < 0.01  # the nearest clear place, not the far end
    # A segment's name goes left of its line: a point to the right is no obstacle.
    assert label_point(RIVER, 0.1, [[120.26 + 3 * CHAR_DEGREES, 31.91]], length=6, right=False) == [120.26, 31.91]


def test_a_line_crowded_everywhere_takes_the_least_crowded_place():
    markers = [[120.26, 31.90 + step / 200] for step in range(0, 21) if step != 13]  # every 0.005°, but one
    point = label_point(RIVER, 0.5, markers)
    assert point == [120.26, 31.965]  # in the gap, the farthest from any point
    assert label_point({"type": "Point", "coordinates": [120.26, 31.9]}, 0.5, []) is None
