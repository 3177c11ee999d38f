"""Normalize phone numbers to E.164 with the `phonenumbers` library.

Which numbers count as acceptable depends on how the number was written:

- National format, such as "(202) 555-0128": the country comes from the default region, which
  is only an assumption about the file. The number must pass `is_valid_number`, so a number
  from another country is rejected. With region "US", an Australian "0491 570 772" would be
  possible-length but becomes the invalid "+10491570772". With region "DE", a French
  "01 99 00 54 43" would become the invalid German "+49199005443".
- International format, with "+" or an international dialling prefix such as "00": the
  country is stated, so the number must have a possible length
  (`is_possible_number_with_reason` returns IS_POSSIBLE) and match the country's general
  number pattern. Validity is not required, because phonenumbers 9.0.43 marks the ranges
  reserved for fiction in the UK (+44 7700 900xxx) and France (+33 6 39 98 xx xx) as invalid,
  and its metadata can lag behind newly allocated ranges.

The US fictional range NXX-555-01xx passes `is_valid_number` in phonenumbers 9.0.43, so it is
accepted in either format.

A number that Excel turned into scientific notation, such as "1.5551234567E+10", is rejected
before parsing. Excel shows only some of the digits in that form, so they may already be
lost, and phonenumbers 9.0.43 reads some such forms, such as "15551234567E10", as the longer
number +1555123456710.
"""

from __future__ import annotations

import re

import phonenumbers

_SCIENTIFIC_NOTATION = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+")

_EXPLICIT_COUNTRY_SOURCES = frozenset(
    {
        phonenumbers.CountryCodeSource.FROM_NUMBER_WITH_PLUS_SIGN,
        phonenumbers.CountryCodeSource.FROM_NUMBER_WITH_IDD,
    }
)


def check_region(region: str) -> str:
    """Return `region` in upper case if phonenumbers supports it.

    Raises:
        ValueError: the region is not a supported ISO 3166-1 alpha-2 code.
    """
    normalized = region.strip().upper()
    if normalized not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(
            f"Unknown region code {region!r}. Pass a two-letter ISO 3166-1 country code "
            "that phonenumbers supports, such as 'US' or 'DE'."
        )

    return normalized


def normalize_phone(raw: str, region: str) -> str | None:
    """Return `raw` in E.164 format, or None when it is not an acceptable phone number.

    `region` is used for numbers written without a country code. An extension such as
    "x375" is dropped, because E.164 has no place for it. A number in scientific notation is
    not acceptable.
    """
    if _SCIENTIFIC_NOTATION.fullmatch(raw.strip()):
        return None

    try:
        number = phonenumbers.parse(raw, region, keep_raw_input=True)
    except phonenumbers.NumberParseException:
        return None

    if not _is_acceptable(number):
        return None

    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _is_acceptable(number: phonenumbers.PhoneNumber) -> bool:
    if phonenumbers.is_valid_number(number):
        return True

    if number.country_code_source not in _EXPLICIT_COUNTRY_SOURCES:
        return False

    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return False

    return _matches_country_pattern(number)


def _matches_country_pattern(number: phonenumbers.PhoneNumber) -> bool:
    country_code = number.country_code
    if country_code is None:
        return False

    main_region = phonenumbers.region_code_for_country_code(country_code)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(
        country_code, main_region
    )
    if metadata is None or metadata.general_desc is None:
        return False

    pattern = metadata.general_desc.national_number_pattern
    if pattern is None:
        return False

    national_number = phonenumbers.national_significant_number(number)
    return re.fullmatch(pattern, national_number) is not None
