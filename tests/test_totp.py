"""RFC 6238 one-time codes: the RFC's own test vectors, the window and the replay guard."""

import base64

from services.common import totp

# RFC 6238 Appendix B: the ASCII key "12345678901234567890", SHA-1, 8 digits; our 6 digits are
# the last six of the RFC's eight.
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
RFC_VECTORS = {59: "94287082", 1111111109: "07081804", 1111111111: "14050471",
               1234567890: "89005924", 2000000000: "69279037"}  # fmt: skip


def test_the_rfc_test_vectors():
    for seconds, eight_digits in RFC_VECTORS.items():
        assert totp.code_at(RFC_SECRET, seconds // 30) == eight_digits[-6:]


def test_a_code_of_the_neighbouring_step_is_accepted_and_others_are_not():
    secret = totp.new_secret()
    now = 1_800_000_000.0
    step = totp.current_step(now)
    assert totp.matching_step(secret, totp.code_at(secret, step), now) == step
    assert totp.matching_step(secret, totp.code_at(secret, step - 1), now) == step - 1
    assert totp.matching_step(secret, totp.code_at(secret, step + 1), now) == step + 1
    assert totp.matching_step(secret, totp.code_at(secret, step - 3), now) is None
    assert totp.matching_step(secret, "12345", now) is None
    assert totp.matching_step(secret, "abcdef", now) is None


def test_a_code_cannot_be_used_twice():
    secret = totp.new_secret()
    now = 1_800_000_000.0
    code = totp.code_at(secret, totp.current_step(now))
    used = totp.matching_step(secret, code, now)
    assert totp.matching_step(secret, code, now, after=used) is None


def test_spaces_in_a_typed_code_and_the_secret_are_ignored():
    secret = totp.new_secret()
    assert len(secret) == 32
    now = 1_800_000_000.0
    code = totp.code_at(secret, totp.current_step(now))
    assert totp.matching_step(secret, f"{code[:3]} {code[3:]}", now) is not None
    assert totp.code_at(totp.grouped(secret), 5) == totp.code_at(secret, 5)


def test_the_address_an_app_reads():
    uri = totp.provisioning_uri("ABCDEFGHIJKLMNOP", "admin.xa", "Lan Tỏa")
    assert uri.startswith("otpauth://totp/Lan%20T%E1%BB%8Fa%3Aadmin.xa?")
    assert "secret=ABCDEFGHIJKLMNOP" in uri and "period=30" in uri and "digits=6" in uri
