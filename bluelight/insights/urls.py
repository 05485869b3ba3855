"""Insights URLs: research priorities, the research register, opportunities, the duty record and the network.

Each page is also data (`.json`/`.csv` or `?format=`), as in the explorer.
"""

from django.urls import path  # noqa: F401 (each feature adds its paths below)

app_name = "insights"
urlpatterns = [
]
