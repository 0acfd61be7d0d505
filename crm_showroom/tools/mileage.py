"""Mileage forecasts and the telemarketing queue (R6.1): pure helpers, no ORM.

``km_per_day`` fits a vehicle's readings with the Theil–Sen estimator (the
median of the slopes between every pair of readings): one odometer typed wrong
by a digit does not move it, unlike a least-squares line. ``assign_round_robin``
hands queue entries to a team's members in turn, each up to a cap of open
entries. ``odometer_chart_svg`` draws the small chart of the vehicle form.
"""

from datetime import timedelta
from statistics import median

from markupsafe import Markup, escape


def km_per_day(readings):
    """The robust slope, in km per day, of ``readings`` (``(date, km)`` pairs):
    the median of the slopes between every pair of readings on different days
    (Theil–Sen). ``None`` when fewer than two days are known. Never negative."""
    points = sorted(readings)
    slopes = [
        (km2 - km1) / (day2 - day1).days
        for index, (day1, km1) in enumerate(points)
        for day2, km2 in points[index + 1 :]
        if day2 != day1
    ]
    if not slopes:
        return None
    return max(median(slopes), 0.0)


def estimated_km(last_km, last_date, rate, today):
    """The mileage on ``today`` from the last reading (``last_km`` on
    ``last_date``) at ``rate`` km per day; never below the last reading."""
    if last_date is None or last_km is None:
        return 0
    days = max((today - last_date).days, 0)
    return int(round(last_km + (rate or 0.0) * days))


def date_reaching(target_km, last_km, last_date, rate):
    """The day the mileage reaches ``target_km`` at ``rate`` km per day from the
    last reading; ``None`` without a rate or a reading."""
    if last_date is None or last_km is None:
        return None
    if last_km >= target_km:
        return last_date
    if not rate or rate <= 0:
        return None
    days = -(-(target_km - last_km) // rate)  # ceiling
    return last_date + timedelta(days=int(days))


def assign_round_robin(member_ids, loads, cap, count):
    """Assign ``count`` new entries to ``member_ids`` in turn: each goes to the
    member with the fewest open entries (``loads``: member id -> open entries,
    updated in place), ties broken by the order of ``member_ids``, never above
    ``cap`` open entries (``cap`` <= 0: no cap). Returns the member ids, ``None``
    for an entry nobody has room for."""
    result = []
    for _index in range(count):
        candidates = [member for member in member_ids if cap <= 0 or loads.get(member, 0) < cap]
        if not candidates:
            result.append(None)
            continue
        chosen = min(candidates, key=lambda member: (loads.get(member, 0), member_ids.index(member)))
        loads[chosen] = loads.get(chosen, 0) + 1
        result.append(chosen)
    return result


def odometer_chart_svg(readings, forecast, width=480, height=160, labels=("", "")):
    """A small SVG line chart: the ``readings`` (``(date, km)``) as a solid line
    with dots, the ``forecast`` (``(date, km)`` points, from the last reading on)
    dashed. ``labels``: the legends of both lines. Empty without readings."""
    points = sorted(readings)
    if not points:
        return Markup("")
    allpoints = points + sorted(forecast)
    first = allpoints[0][0]
    max_days = max((day - first).days for day, _km in allpoints) or 1
    max_km = max(km for _day, km in allpoints) or 1
    pad = 30

    def xy(day, km):
        x = pad + (width - 2 * pad) * (day - first).days / max_days
        y = height - pad - (height - 2 * pad) * km / max_km
        return f"{x:.1f},{y:.1f}"

    solid = " ".join(xy(*point) for point in points)
    dashed = " ".join(xy(*point) for point in [points[-1], *sorted(forecast)]) if forecast else ""
    dots = "".join(f'<circle cx="{xy(*p).split(",")[0]}" cy="{xy(*p).split(",")[1]}" r="3"/>' for p in points)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'style="max-width:{width}px" role="img">'
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#999"/>'
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#999"/>'
        f'<text x="{pad}" y="{pad - 8}" font-size="11" fill="#666">{max_km:,} km</text>'
        f'<text x="{pad}" y="{height - 8}" font-size="11" fill="#666">{first.isoformat()}</text>'
        f'<text x="{width - pad}" y="{height - 8}" font-size="11" fill="#666" text-anchor="end">'
        f"{(first + timedelta(days=max_days)).isoformat()}</text>"
        f'<polyline points="{solid}" fill="none" stroke="#017e84" stroke-width="2"/>'
        f'<g fill="#017e84">{dots}</g>'
    )
    if dashed:
        svg += f'<polyline points="{dashed}" fill="none" stroke="#e07b00" stroke-width="2" stroke-dasharray="6 4"/>'
    svg += (
        f'<text x="{width - pad}" y="{pad - 8}" font-size="11" text-anchor="end">'
        f'<tspan fill="#017e84">— {escape(labels[0])}</tspan> '
        f'<tspan fill="#e07b00">- - {escape(labels[1])}</tspan></text></svg>'
    )
    return Markup(svg)
