from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from catalog.models import Brand, Retailer


class CatalogEntryAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "url", "purchases_link", "created_at")
    list_filter = ("created_at",)
    search_fields = ("name", "owner__username")
    list_select_related = ("owner",)
    autocomplete_fields = ("owner",)
    readonly_fields = ("created_at", "updated_at")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(purchase_count=Count("purchases"))

    @admin.display(description="Purchases", ordering="purchase_count")
    def purchases_link(self, obj):
        field = self.model._meta.model_name
        url = reverse("admin:purchases_purchase_changelist") + f"?{field}__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.purchase_count)


admin.site.register(Retailer, CatalogEntryAdmin)
admin.site.register(Brand, CatalogEntryAdmin)
