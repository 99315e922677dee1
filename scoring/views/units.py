# Unit pages: list and detail. (owner: units helper)
from django.http import HttpResponse


def unit_list(request):
    return HttpResponse("TODO")


unit_detail = unit_list
