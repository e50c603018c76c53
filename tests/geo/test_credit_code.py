import pytest
from django.core.exceptions import ValidationError

from geo.credit_code import check_character, make_credit_code, validate_credit_code

# Published codes of real enterprises (public business registration records).
REAL_CODES = ["91330100799655058B", "91350100M000100Y43", "91110000802100433B",
              "914403001922038216"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code):
    validate_credit_code(code)
    assert check_character(code[:17]) == code[17]


@pytest.mark.parametrize(("code", "message"), [
    ("91330100799655058", "统一社会信用代码应为18位，实际为17位"),
    ("91330100799655058I", "统一社会信用代码含有非法字符：I"),
    ("91330100799655058A", "统一社会信用代码校验位错误：应为B，实际为A"),
])
def test_bad_codes_say_why(code, message):
    with pytest.raises(ValidationError) as err:
        validate_credit_code(code)
    assert err.value.messages == [message]


def test_make_credit_code_completes_check_character():
    assert make_credit_code("91330100799655058") == "91330100799655058B"


def test_enterprise_full_clean_names_the_field(world):
    enterprise = world.enterprises_a[0]
    enterprise.credit_code = "91330100799655058A"
    with pytest.raises(ValidationError) as err:
        enterprise.full_clean()
    assert list(err.value.message_dict) == ["credit_code"]


def test_valid_credit_codes_agree_with_the_validator():
    """The importer's array check accepts exactly the codes the validator accepts."""
    codes = [*REAL_CODES, " 91330100799655058b ", "91330100799655058", "91330100799655058I",
             "91330100799655058A", "９1330100799655058B", "", "913301007996550588B"]
    def passes(code):
        try:
            validate_credit_code(code)
        except ValidationError:
            return False
        return True
    assert validate_credit_code.many(codes).tolist() == [passes(c) for c in codes]
    assert validate_credit_code.many([]).tolist() == []
