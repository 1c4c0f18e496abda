"""The currency an account's revenue and opportunity amounts are stated in, and its Excel
number format: one rule for the coverage report and the visit briefings.

An account's currency is its own ``currency`` column when the data has one (an ISO 4217
code such as ``CNY``); else the portfolio's reporting currency (``[tiers] currency`` in
kamgraph.toml: the data records every amount in it, e.g. a Chinese company's CRM in CNY for
its Munich customer too); else the currency of its ``country`` (ISO 3166 alpha-2, e.g.
``CN`` -> ``CNY``, ``DE`` -> ``EUR``) from :data:`COUNTRY_CURRENCY`; else none (the amount
is shown bare). Codes are three capital letters or nothing: a code from the data or the
settings is never written into a number format unchecked.

Sums and shares across accounts (Pareto, tier revenue) add the amounts as recorded: they
are meaningful when every account records revenue in comparable money (one reporting
currency, or converted before import), which the reports say in words.

>>> accounts = pd.DataFrame({"id": ["A", "B", "C"], "country": ["CN", "de", None]})
>>> account_currencies(accounts).tolist()
['CNY', 'EUR', None]
>>> account_currencies(accounts, reporting="cny").tolist()  # the data records every amount in CNY
['CNY', 'CNY', 'CNY']
>>> money_format("CNY")
'#,##0 "CNY"'
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["COUNTRY_CURRENCY", "account_currencies", "money_format"]

_EURO = ("AT", "BE", "CY", "DE", "EE", "ES", "FI", "FR", "GR", "HR", "IE", "IT", "LT", "LU", "LV", "MT", "NL",
         "PT", "SI", "SK", "MC", "SM", "VA", "AD", "ME", "XK")

#: ISO 3166 alpha-2 country -> ISO 4217 currency (the countries key accounts are usually in)
COUNTRY_CURRENCY: dict[str, str] = {
    **{c: "EUR" for c in _EURO},
    "CN": "CNY", "HK": "HKD", "MO": "MOP", "TW": "TWD", "JP": "JPY", "KR": "KRW", "SG": "SGD", "MY": "MYR",
    "TH": "THB", "VN": "VND", "ID": "IDR", "PH": "PHP", "IN": "INR", "PK": "PKR", "BD": "BDT", "LK": "LKR",
    "AU": "AUD", "NZ": "NZD", "US": "USD", "CA": "CAD", "MX": "MXN", "BR": "BRL", "AR": "ARS", "CL": "CLP",
    "CO": "COP", "PE": "PEN", "GB": "GBP", "CH": "CHF", "LI": "CHF", "NO": "NOK", "SE": "SEK", "DK": "DKK",
    "IS": "ISK", "PL": "PLN", "CZ": "CZK", "HU": "HUF", "RO": "RON", "BG": "BGN", "RS": "RSD", "TR": "TRY",
    "RU": "RUB", "UA": "UAH", "KZ": "KZT", "IL": "ILS", "AE": "AED", "SA": "SAR", "QA": "QAR", "KW": "KWD",
    "EG": "EGP", "ZA": "ZAR", "NG": "NGN", "KE": "KES", "MA": "MAD",
}

_CODE = re.compile(r"^[A-Z]{3}$")


def account_currencies(accounts: pd.DataFrame, reporting: str | None = None) -> pd.Series:
    """The currency code of each account (index as ``accounts``; None when unknown).
    ``reporting``: the portfolio's reporting currency (``settings.tiers.currency``), which
    stands before the country's."""
    own = accounts["currency"] if "currency" in accounts.columns else pd.Series(None, index=accounts.index)
    own = own.astype(object).where(own.notna(), "").astype(str).str.strip().str.upper()
    own = own.where(own.str.fullmatch(_CODE.pattern))
    country = accounts["country"] if "country" in accounts.columns else pd.Series(None, index=accounts.index)
    country = country.astype(object).where(country.notna(), "").astype(str).str.strip().str.upper()
    default = str(reporting or "").strip().upper()
    if _CODE.match(default):
        own = own.fillna(default)
    out = own.fillna(country.map(COUNTRY_CURRENCY)).astype(object)
    return out.where(out.notna(), None)


def money_format(code: str | None) -> str:
    """Excel number format of an amount in ``code`` (thousands separated, no decimals)."""
    if isinstance(code, str) and _CODE.match(code):
        return f'#,##0 "{code}"'
    return "#,##0"
