"""The REST API (DRF): views, serializers and routes of scoring, under /api/v1/."""
