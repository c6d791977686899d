from django import forms
from django.contrib.auth.forms import UserCreationForm


class FirstUserForm(UserCreationForm):
    """The first-run form: username, optional email, password twice (with the validators)."""

    email = forms.EmailField(required=False, help_text="Optional; used for warranty reminders.")

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")
