"""The proof that a client confirmed their phone by an SMS code: a signed, short-lived token naming the
salon and the phone (E.164). The gateway issues it once the code matches; bookings, where
appointments are made, checks it for every booking that needs a confirmed phone. Both sign with
PHONE_TOKEN_SECRET; nothing is stored."""

from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "phone-confirmation"
LIFETIME_SECONDS = 1800


def issue(secret: str, company_id: int, phone: str) -> str:
    return URLSafeTimedSerializer(secret, salt=SALT).dumps({"company_id": company_id, "phone": phone})


def confirmed_phone(secret: str, token: str, company_id: int, max_age: int = LIFETIME_SECONDS) -> str | None:
    """The phone the token confirms for this salon, or None if it is forged, expired or another salon's."""
    try:
        claims = URLSafeTimedSerializer(secret, salt=SALT).loads(token, max_age=max_age)
    except BadSignature:  # SignatureExpired is a BadSignature
        return None
    if not isinstance(claims, dict) or claims.get("company_id") != company_id:
        return None
    phone = claims.get("phone")
    return phone if isinstance(phone, str) else None
