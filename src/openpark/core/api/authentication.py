from rest_framework import authentication, exceptions

from .. import tokens


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>` against the stored digests of `openpark.core.tokens`."""

    def authenticate_credentials(self, key):
        token = tokens.find(key)
        if token is None:
            raise exceptions.AuthenticationFailed("令牌无效或已过期。")
        return token.user, token
