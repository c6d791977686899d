from django import forms


class CatalogEntryForm(forms.Form):
    """A retailer's or brand's name and website. Trimming, the length, the http(s) rule and the
    unique name belong to catalog.services; the view puts their errors beside the fields."""

    name = forms.CharField(label="Name", widget=forms.TextInput(attrs={"autocomplete": "off"}))
    url = forms.CharField(
        label="Website",
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://…", "autocomplete": "off"}),
    )


class CatalogMergeForm(forms.Form):
    into = forms.UUIDField(label="Merge into", widget=forms.Select)

    def __init__(self, *args, others, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].widget.choices = [("", "Choose…")] + [
            (str(entry.id), f"{entry.name} ({entry.purchase_count})") for entry in others
        ]
