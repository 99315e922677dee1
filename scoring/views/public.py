"""The public page of a published year (issue 6), no login: the latest publication's ranking tables, grades and
SHA-256, read from the immutable snapshot only. No scorecard, no draft, no live result is reachable from here."""
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from ..permissions import public_publications
from ..selectors import dashboards
from ..services.publications import canonical_bytes


def public_years(request):
    return render(request, "scoring/public_years.html",
                  {"years": dashboards.published_years(public_publications())})


def public_year(request, year):
    publication = dashboards.public_publication(public_publications(), year)
    if publication is None:
        return _not_published(request, year)
    return render(request, "scoring/public_year.html", {
        "publication": publication, "tables": dashboards.public_tables(publication),
    })


def public_content(request, year):
    """The published content's exact bytes: what the SHA-256 beside the tables was computed over."""
    publication = dashboards.public_publication(public_publications(), year)
    if publication is None:
        return _not_published(request, year)
    response = HttpResponse(canonical_bytes(publication.content), content_type="application/json; charset=utf-8")
    filename = f"cong-bo-ket-qua-{publication.year}-lan-{publication.version}.json"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _not_published(request, year):
    return render(request, "scoring/public_missing.html",
                  {"year": year, "years": dashboards.published_years(public_publications())}, status=404)
