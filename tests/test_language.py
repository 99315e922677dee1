from django.conf import settings


def test_an_english_browser_still_gets_the_vietnamese_site(client, leader):
    client.force_login(leader)

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.headers["Content-Language"] == "vi"
    assert "Trang chủ" in response.content.decode()


def test_choosing_english_switches_the_interface(client, leader):
    client.force_login(leader)

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")

    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert response.headers["Content-Language"] == "en"
    assert "Home" in response.content.decode()


def test_dates_are_written_day_first_and_decimals_with_a_comma_in_vietnamese():
    from datetime import date
    from decimal import Decimal

    from django.utils import formats, translation

    with translation.override("vi"):
        assert formats.date_format(date(2024, 12, 15), "SHORT_DATE_FORMAT") == "15/12/2024"
        assert formats.localize(Decimal("95.48"), use_l10n=True) == "95,48"
