"""The facilitator's dashboard in a real browser: no WCAG 2.1 A/AA violation with every chart drawn, and no
sideways scroll from 320 px."""

import pytest

from tests.browser.test_accessibility import violations
from tests.test_dashboard import RANGE, build_community

pytestmark = pytest.mark.browser


@pytest.fixture
def community(app):
    with app.app_context():
        return build_community()


def test_the_dashboard_is_accessible_and_fits_a_phone(page, live_server, community, sign_in):
    from tests.conftest import PASSWORD

    sign_in(community["facilitator"], PASSWORD)
    response = page.goto(f"{live_server}/dashboard/?{RANGE}")
    assert response.status == 200
    assert page.locator("svg.dash-chart").count() >= 8
    assert violations(page) == []
    for width in (320, 390, 768, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server}/dashboard/?{RANGE}")
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{width}px: {scroll}px"


def test_the_impact_report_is_accessible_and_fits_a_phone(app, page, live_server, sign_in):
    from tests.conftest import PASSWORD
    from tests.test_reports import build_report_community

    with app.app_context():
        build_report_community()
    sign_in("s1@example.org", PASSWORD)
    response = page.goto(f"{live_server}/reports/impact?{RANGE}")
    assert response.status == 200
    assert violations(page) == []
    for width in (320, 390, 768, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(f"{live_server}/reports/impact?{RANGE}")
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{width}px: {scroll}px"
