from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class NotUsernameValidator:
    """The password may not be the username, in any case or written backwards."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").strip().lower()
        if username and password.strip().lower() in {username, username[::-1]}:
            raise ValidationError("密码不能与用户名相同。", code="password_is_username")

    def get_help_text(self):
        return "密码不能与用户名相同。"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule with its message in Chinese (the shipped catalogue lacks this message)."""

    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"


class NotBlankValidator:
    """A password of spaces alone is no password."""

    def validate(self, password, user=None):
        if not (password or "").strip():
            raise ValidationError("密码不能全是空格。", code="password_blank")

    def get_help_text(self):
        return "密码不能全是空格。"
