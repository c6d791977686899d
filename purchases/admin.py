from django.contrib import admin
from django.db.models import Count

from purchases.models import Attachment, Purchase
from spends.admin_links import admin_link
from spends.templatetags.formatting import money
from warranties.models import Warranty


class WarrantyInline(admin.StackedInline):
    model = Warranty
    extra = 0
    fields = ("warranty_start", "warranty_end", "warranty_type", "voided", "provider", "notes")
    fk_name = "purchase"


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ("kind", "filename", "content_type", "size", "sha256", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # files are uploaded through the purchase's page or the API


@admin.register(Purchase)
class PurchaseAdmin(admin.ModelAdmin):
    list_display = (
        "product_name", "owner", "price_display", "status", "purchase_date",
        "retailer_link", "brand_link", "warranty_link", "attachment_count",
    )  # fmt: skip
    list_filter = ("status", "currency_code", "purchase_date", "owner")
    search_fields = ("product_name", "serial_number", "model_number", "order_number", "notes")
    date_hierarchy = "purchase_date"
    list_select_related = ("owner", "retailer", "brand", "warranty")
    autocomplete_fields = ("owner", "retailer", "brand")
    readonly_fields = ("created_at", "updated_at")
    inlines = [WarrantyInline, AttachmentInline]
    list_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(attachments_total=Count("attachments"))

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            instance.owner_id = form.instance.owner_id
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()

    @admin.display(description="Price", ordering="price")
    def price_display(self, obj):
        return money(obj.price, obj.currency_code)

    @admin.display(description="Retailer", ordering="retailer__name")
    def retailer_link(self, obj):
        return admin_link(obj.retailer)

    @admin.display(description="Brand", ordering="brand__name")
    def brand_link(self, obj):
        return admin_link(obj.brand)

    @admin.display(description="Warranty")
    def warranty_link(self, obj):
        warranty = getattr(obj, "warranty", None)
        return admin_link(warranty, "View") if warranty else "—"

    @admin.display(description="Files", ordering="attachments_total")
    def attachment_count(self, obj):
        return obj.attachments_total


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = (
        "filename",
        "kind",
        "purchase_link",
        "owner",
        "content_type",
        "size",
        "created_at",
    )
    list_filter = ("kind", "content_type", "created_at")
    search_fields = ("filename", "sha256", "purchase__product_name")
    list_select_related = ("purchase", "owner")
    # Only the name and kind are fixed by hand: the bytes, and whose purchase they belong to,
    # come from the upload (an attachment moved to another owner's purchase would leak it).
    fields = ("filename", "kind", "purchase", "owner", "content_type", "size", "sha256")
    readonly_fields = ("purchase", "owner", "content_type", "size", "sha256")

    def has_add_permission(self, request):
        return False  # files are uploaded through the purchase's page or the API

    @admin.display(description="Purchase", ordering="purchase__product_name")
    def purchase_link(self, obj):
        return admin_link(obj.purchase)
