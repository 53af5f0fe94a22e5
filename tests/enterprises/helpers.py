from tests.factories import _uscc


def code(n: int) -> str:
    return _uscc(900000 + n)
