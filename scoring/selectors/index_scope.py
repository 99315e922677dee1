"""Which index (PAR, DTI...) a results page reads (issue 14): chosen by ?index=<code>, PAR when absent, and the
indices a year (and block) holds, for the switcher shown when there is more than one."""
from ..models import Cycle, Index, UnitResult
from ..models.indices import PAR, STANDARD

INDEX_PARAM = "index"
CODE_MAX = 20  # Index.code's length


def par_index() -> Index:
    """PAR as every page showed it before indices became data (percent), without a query: the default of every
    results page, read for its code, name and scale alone."""
    name, scale, position = STANDARD[PAR]
    return Index(code=PAR, name=name, scale=scale, position=position)


def index_find(code) -> Index | None:
    """The index of that code; PAR when none is asked for (what every page read before indices became data).
    None for an unknown code: the view answers 404."""
    code = (code or "").strip()
    if not code or code.upper() == PAR:
        return par_index()
    if len(code) > CODE_MAX or "\x00" in code:  # PostgreSQL refuses NUL in a query: unknown, not a 500
        return None
    return Index.objects.filter(code__iexact=code).first()


def indices_with_results(year, block=None) -> list[Index]:
    """The indices with a cycle or a result in `year` (and `block`: a Block, its id, or None for every block), in
    their order; PAR always, so a year with one other index offers both."""
    cycles, results = Cycle.objects.filter(year=year), UnitResult.objects.filter(year=year)
    if block is not None:
        block_id = getattr(block, "pk", block)
        cycles, results = cycles.filter(block=block_id), results.filter(block=block_id)
    codes = set(cycles.order_by().values_list("index_code", flat=True)
                .union(results.order_by().values_list("index_code", flat=True)))
    if codes <= {PAR}:  # the common case, one query: PAR alone
        return [par_index()]
    indices = {index.code: index for index in Index.objects.filter(code__in=codes | {PAR})}
    indices.setdefault(PAR, par_index())
    return sorted(indices.values(), key=lambda index: (index.position, index.code))


def index_tabs(year, block, chosen, params) -> list[dict] | None:
    """The switcher's tabs: [{"index", "current", "query"}], each query the page's own parameters (`params`, a
    QueryDict) with that index (PAR as no parameter, as before) and no page number; None with a single index."""
    indices = indices_with_results(year, block)
    if len(indices) < 2:
        return None
    tabs = []
    for index in indices:
        query = params.copy()
        query.pop("page", None)
        query.pop(INDEX_PARAM, None)
        if index.code != PAR:
            query[INDEX_PARAM] = index.code
        tabs.append({"index": index, "current": index.code == chosen.code, "query": query.urlencode()})
    return tabs
