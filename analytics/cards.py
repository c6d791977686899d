"""The dashboard's cards: the one list of their ids and labels.

The dashboard renders them, and the settings page ("Appearance") renders one checkbox per card
(`<input type="checkbox" data-card-toggle="<id>">`); static/js/cards.js hides the cards a person
unticked, remembered in the browser (localStorage "spends-hidden-cards", a JSON list of ids).
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class DashboardCard:
    id: str
    label: str
    icon: str  # a Bootstrap Icons name


DASHBOARD_CARDS: tuple[DashboardCard, ...] = (
    DashboardCard("spent", "Total spent", "bi-wallet2"),
    DashboardCard("count", "Purchases", "bi-bag"),
    DashboardCard("average", "Average price", "bi-calculator"),
    DashboardCard("active", "Active warranties", "bi-shield-check"),
    DashboardCard("expiring", "Expiring soon", "bi-hourglass-split"),
    DashboardCard("ordered", "Still ordered", "bi-truck"),
)
