from accounts.selectors import preferences_for


def preferences(request):
    """The signed-in user's preferences, for the date and money filters."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"preferences": preferences_for(user)}
