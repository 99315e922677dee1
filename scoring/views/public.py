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
    publications = dashboards.public_publications(public_publications(), year)
    if not publications:
        return _not_published(request, year)
    return render(request, "scoring/public_year.html", {
        "year": year, "sections": [(publication, dashboards.public_tables(publication))
                                   for publication in publications],
    })


def public_content(request, year):
    """A block's published content's exact bytes: what the SHA-256 beside its table was computed over."""
    publication = dashboards.public_publication(public_publications(), year, request.GET.get("block") or None)
    if publication is None:
        return _not_published(request, year)
    response = HttpResponse(canonical_bytes(publication.content), content_type="application/json; charset=utf-8")
    block = f"-{publication.block.code}" if publication.block else ""
    filename = f"cong-bo-ket-qua-{publication.year}{block}-lan-{publication.version}.json"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _not_published(request, year):
    return render(request, "scoring/public_missing.html",
                  {"year": year, "years": dashboards.published_years(public_publications())}, status=404)
