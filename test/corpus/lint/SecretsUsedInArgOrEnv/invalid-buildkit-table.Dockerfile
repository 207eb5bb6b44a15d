# check=skip=InvalidDefinitionDescription

FROM scratch
ARG SECRET_PASSPHRASE
ENV SUPER_Secret=foo
ENV password=bar secret=baz
ARG super_duper_secret_token=foo auth=bar
ENV apikey=bar sunflower=foo
ENV git_key=
ENV PUBLIC_KEY=
ARG public_token
ARG SECRET_PASSPHRASE_FILE
ENV password_file=bar secret_File=baz
ARG AUTH_MODULE_VERSION
# check=skip=SecretsUsedInArgOrEnv // allow secret in environment
ENV password=bar
# check=skip=SecretsUsedInArgOrEnv // allow secret in arg
ARG password
# check=skip=all // is local to only this instruction
ENV alternate_password=bar
# check=skip=all // is local to only this instruction
ARG alternate_password

# expect: 4 5 6 6 7 7 8 9
# expect-message: Do not use ARG or ENV instructions for sensitive data (ARG "SECRET_PASSPHRASE")
# expect-message: Do not use ARG or ENV instructions for sensitive data (ENV "SUPER_Secret")
# expect-message: Do not use ARG or ENV instructions for sensitive data (ENV "password")
# expect-message: Do not use ARG or ENV instructions for sensitive data (ENV "secret")
# expect-message: Do not use ARG or ENV instructions for sensitive data (ARG "auth")
# expect-message: Do not use ARG or ENV instructions for sensitive data (ARG "super_duper_secret_token")
# expect-message: Do not use ARG or ENV instructions for sensitive data (ENV "apikey")
# expect-message: Do not use ARG or ENV instructions for sensitive data (ENV "git_key")
