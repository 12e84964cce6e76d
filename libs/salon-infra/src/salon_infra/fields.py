"""marshmallow's fields, bounded as salon_infra.validation says: every schema at an edge (the
gateway's, each service's) imports `from salon_infra import fields` instead of marshmallow's.

Only loading changes, and only for these; every other field is marshmallow's own:
- Integer: a signed 64-bit integer, whatever else its validators allow (documented as its range);
- String, Email, Url: valid Unicode without NUL characters, and at most DEFAULT_MAX_LENGTH
  characters unless a Length validator of its own sets a maximum;
- Date, DateTime, AwareDateTime, NaiveDateTime: the date, as written, from FIRST_DAY to LAST_DAY.
"""

from marshmallow import fields as _marshmallow
from marshmallow import utils, validate
from marshmallow.fields import *  # noqa: F403 (the rest of marshmallow's fields, unchanged)

from salon_infra.validation import (
    DAY_MESSAGE,
    INT_MESSAGE,
    MAX_INT,
    MIN_INT,
    NUL_MESSAGE,
    SURROGATE_MESSAGE,
    day_in_range,
    text_problem,
)

DEFAULT_MAX_LENGTH = 10_000


class Integer(_marshmallow.Integer):
    default_error_messages = {"out_of_range": INT_MESSAGE}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate.Range(min=MIN_INT, max=MAX_INT))  # for the document: checked first

    def _validated(self, value) -> int:
        number = super()._validated(value)
        if not MIN_INT <= number <= MAX_INT:
            raise self.make_error("out_of_range")
        return number


class String(_marshmallow.String):
    default_error_messages = {"nul": NUL_MESSAGE, "surrogate": SURROGATE_MESSAGE}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not any(isinstance(check, validate.Length) and check.max is not None for check in self.validators):
            self.validators.append(validate.Length(max=DEFAULT_MAX_LENGTH))

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text)
        if problem is not None:
            raise self.make_error("nul" if problem == NUL_MESSAGE else "surrogate")
        return text


class Email(String, _marshmallow.Email):
    pass


class Url(String, _marshmallow.Url):
    pass


URL = Url


class _DayInRange:
    default_error_messages = {"out_of_range": DAY_MESSAGE}

    def _in_range(self, value):
        day = value.date() if hasattr(value, "hour") else value
        if not day_in_range(day):
            raise self.make_error("out_of_range")
        return value


class Date(_DayInRange, _marshmallow.Date):
    def _deserialize(self, value, attr, data, **kwargs):
        return self._in_range(super()._deserialize(value, attr, data, **kwargs))


class DateTime(_DayInRange, _marshmallow.DateTime):
    def _deserialize(self, value, attr, data, **kwargs):
        return self._in_range(super()._deserialize(value, attr, data, **kwargs))


class AwareDateTime(_DayInRange, _marshmallow.AwareDateTime):
    def _deserialize(self, value, attr, data, **kwargs):
        return self._in_range(super()._deserialize(value, attr, data, **kwargs))


class NaiveDateTime(_DayInRange, _marshmallow.NaiveDateTime):
    def _deserialize(self, value, attr, data, **kwargs):
        # Checked before marshmallow moves an aware time to `timezone`, which could overflow.
        moment = self._in_range(_marshmallow.DateTime._deserialize(self, value, attr, data, **kwargs))
        if utils.is_aware(moment):
            if self.timezone is None:
                raise self.make_error("invalid_awareness", awareness=self.AWARENESS, obj_type=self.OBJ_TYPE)
            moment = moment.astimezone(self.timezone).replace(tzinfo=None)
        return moment
