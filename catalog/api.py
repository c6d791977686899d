from ninja import Router

retailers_router = Router(tags=["retailers"])
brands_router = Router(tags=["brands"])
