"""The public page of a published year (issue 6), no login: the latest publication's ranking tables, grades and
SHA-256, read from the immutable snapshot only. No scorecard, no draft, no live result is reachable from here."""
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from ..models import Index
from ..models.indices import PAR
from ..permissions import public_publications
from ..selectors import dashboards
from ..selectors.index_scope import index_find, par_index
from ..services.publications import canonical_bytes


def public_years(request):
    return render(request, "scoring/public_years.html",
                  {"years": dashboards.published_years(public_publications())})


def public_year(request, year):
    publications = dashboards.public_publications(public_publications(), year)
    if not publications:
        return _not_published(request, year)
    indices = {PAR: par_index(), **{index.code: index for index in Index.objects.filter(
        code__in={publication.index_code for publication in publications} - {PAR})}}
    return render(request, "scoring/public_year.html", {
        "year": year, "several_indices": len({publication.index_code for publication in publications}) > 1,
        "sections": [(publication, indices.get(publication.index_code) or par_index(),
                      dashboards.public_tables(publication, _scale(indices, publication)))
                     for publication in publications],
    })


def _scale(indices, publication):
    index = indices.get(publication.index_code)
    return index.scale if index else "percent"


def public_content(request, year):
    """A block's published content's exact bytes in an index (?index=, PAR by default): what the SHA-256 beside
    its table was computed over."""
    index = index_find(request.GET.get("index"))
    publication = index and dashboards.public_publication(public_publications(), year,
                                                          request.GET.get("block") or None, index.code)
    if publication is None:
        return _not_published(request, year)
    response = HttpResponse(canonical_bytes(publication.content), content_type="application/json; charset=utf-8")
    block = f"-{publication.block.code}" if publication.block else ""
    code = "" if publication.index_code == PAR else f"-{publication.index_code}"
    filename = f"cong-bo-ket-qua-{publication.year}{code}{block}-lan-{publication.version}.json"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _not_published(request, year):
    return render(request, "scoring/public_missing.html",
                  {"year": year, "years": dashboards.published_years(public_publications())}, status=404)
