"""Where the environment map puts a water body's or segment's name along its line: at its usual
place unless an outfall or a site (or a name already placed) sits there, then the nearest clear
place along the line."""
import math

from openpark.environment.map import LABEL_CLEARANCE, label_point

# A river running north, 0.1° long.
RIVER = {"type": "LineString", "coordinates": [[120.26, 31.90], [120.26, 32.00]]}


def test_the_name_stays_at_its_place_when_nothing_is_there():
    assert label_point(RIVER, 0.1, []) == [120.26, 31.91]
    assert label_point(RIVER, 0.1, [[120.30, 31.91]]) == [120.26, 31.91]  # 0.04° away


def test_the_name_moves_off_an_outfall_sitting_at_its_place():
    outfall = [120.26, 31.91]
    point = label_point(RIVER, 0.1, [outfall])
    assert point[0] == 120.26 and math.dist(point, outfall) >= LABEL_CLEARANCE
    assert abs(point[1] - 31.91) < 0.01  # the nearest clear place, not the far end


def test_a_line_crowded_everywhere_takes_the_least_crowded_place():
    markers = [[120.26, 31.90 + step / 200] for step in range(0, 21)]  # every 0.005°
    point = label_point(RIVER, 0.5, markers)
    assert min(math.dist(point, marker) for marker in markers) > 0
    assert label_point({"type": "Point", "coordinates": [120.26, 31.9]}, 0.5, []) is None
