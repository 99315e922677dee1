# Framework pages: list, detail (tree), Excel import with preview, export. (owner: frameworks helper)
from django.http import HttpResponse


def framework_list(request):
    return HttpResponse("TODO")


framework_import = framework_import_confirm = framework_detail = framework_export = framework_list
