"""Create a personal API token for a user and print it, once:

    python manage.py create_api_token USERNAME [--name NAME]

Only the token goes to standard output, so that a script can capture it; the note about it
goes to standard error. The token is stored as a hash and cannot be shown again.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.selectors import user_named
from accounts.services import api_token_create
from spends.errors import NotFound


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it (shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The user the token belongs to.")
        parser.add_argument("--name", default="", help="A name to tell the token apart.")

    def handle(self, *args, username: str, name: str, **options):
        try:
            user = user_named(username)
        except NotFound as error:
            raise CommandError(error.message) from None
        try:
            record, token = api_token_create(owner=user, name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stderr.write(
            f'Created API token "{record.name}" for {user.get_username()}. '
            "It is shown only this once; send it as: Authorization: Bearer <token>"
        )
        self.stdout.write(token)
