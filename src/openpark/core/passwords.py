from django.core.exceptions import ValidationError


class NotUsernameValidator:
    """The password may not be the username, in any case or written backwards."""

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").strip().lower()
        if username and password.strip().lower() in {username, username[::-1]}:
            raise ValidationError("密码不能与用户名相同。", code="password_is_username")

    def get_help_text(self):
        return "密码不能与用户名相同。"
