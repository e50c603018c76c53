"""The reports page in a real browser (headless Debian chromium, zh-CN, 1920×1080): a
county supervisor opens it from the header, sees the kept daily report with its key
figures, opens the preview and the PDF, and asks for a weekly report, which is listed as
pending. Nothing leaves the site or is refused by the CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from monitoring.reports.selectors import Subject
from monitoring.reports.services import report_make, report_queue
from tests.browser import chromium_page, login, screenshot
from tests.monitoring.reports.conftest import DAY, NOW


@pytest.mark.browser
def test_list_open_and_ask(live_server, monitored):
    county = monitored.county_a
    report = report_queue(kind="daily", subject=Subject(county.code, county.name, "county"),
                          start=DAY, end=DAY, now=NOW)
    report = report_make(report_id=report.pk, now=NOW)
    with chromium_page(viewport=(1920, 1080), locale="zh-CN") as browser:
        page = browser.page
        login(page, f"{live_server.url}/monitoring/reports/", "county_a")
        expect(page.locator("#nav-reports")).to_have_attribute("href", "/monitoring/reports/")
        expect(page.locator("h1")).to_have_text("监测报告")
        row = page.locator(f"#report-table tr[data-pk='{report.pk}']")
        expect(row.locator("td").first).to_contain_text("甲县 安全生产监测日报 2026年12月02日")
        expect(row.locator("td.n").first).to_have_text("4")          # alarms of the day
        expect(row.locator("td.n").nth(2)).to_have_text("93.75%")    # gw-1 out 3 h of 48
        screenshot(page, "reports-list")
        row.locator("a.preview").click()
        expect(page.locator("#report-title")).to_have_text("甲县 安全生产监测日报 2026年12月02日")
        expect(page.locator("#risk-chart")).to_be_visible()
        screenshot(page, "report-preview")
        pdf = page.request.get(live_server.url + page.locator("#report-pdf").get_attribute("href"))
        assert pdf.ok and pdf.body().startswith(b"%PDF-")
        page.go_back()
        page.select_option("#id_ask-kind", "weekly")
        page.select_option("#id_ask-subject", f"e{monitored.enterprises_a[0].pk}")
        page.fill("#id_ask-day", DAY.isoformat())
        page.locator("#request-submit").click()
        expect(page.locator("#report-message")).to_contain_text("已提交生成：测试化工1号有限公司")
        expect(page.locator("#report-table tr[data-state='pending']")).to_have_count(1)
    assert browser.outside == [] and browser.csp_refused == []
