"""账号管理 in a real browser: the demo administrator finds an account from the sidebar, locks it
and unlocks it again, and resets its password."""
import pytest

from openpark.core.models import User

from .test_home import log_in

pytestmark = pytest.mark.browser


def test_the_administrator_locks_unlocks_and_resets_an_account(browser, live_server, demo_park, artifacts):
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    log_in(page, live_server.url, "admin")
    page.click(".mainnav >> text=账号管理")
    page.wait_for_url(f"{live_server.url}/core/accounts/")
    names = page.locator("#accounts tbody").inner_text()
    assert "demo_economy" in names and "demo_security" not in names
    page.fill(".filters input[name=q]", "demo_economy")
    page.click(".filters button[type=submit]")
    page.click("#accounts >> text=演示经发")
    page.screenshot(path=str(artifacts / "account-detail.png"), full_page=True)

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.click("button:has-text('锁定')")  # asks first; declined, nothing happens
    page.wait_for_timeout(300)
    assert "确定锁定账号“demo_economy”" in asked[0]
    assert not User.objects.get(username="demo_economy").is_locked
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.click("button:has-text('锁定')")
    assert "账号已锁定" in page.locator("main").inner_text()
    assert User.objects.get(username="demo_economy").is_locked
    page.click("button:has-text('解锁')")
    assert "账号已解锁" in page.locator("main").inner_text()
    assert not User.objects.get(username="demo_economy").is_locked

    page.click("button:has-text('重置密码')")
    assert "确定重置账号“demo_economy”的密码" in asked[-1]
    assert "本人下次登录时须修改此密码" in page.locator("main").inner_text()
    password = page.locator("#temporary-password").inner_text()
    account = User.objects.get(username="demo_economy")
    assert account.must_change_password and account.check_password(password)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto(f"{live_server.url}/core/accounts/add/")
    roles = page.locator("#id_roles").inner_text()
    assert "企业用户" in roles and "安全管理员" not in roles and "系统管理员" not in roles
    page.screenshot(path=str(artifacts / "account-add.png"), full_page=True)
    page.close()
