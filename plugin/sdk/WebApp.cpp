#include "WebApp.h"

#include "RestRoute.h"

#include "mcr/webviewer/Assets.h"

namespace mcr::plugin {

namespace {

void serveAsset(PluginContext&, OrthancPluginRestOutput* output, const OrthancPluginHttpRequest* request) {
  requireMethod(output, request, OrthancPluginHttpMethod_Get);
  const std::string path = groupOf(request, 0);
  const webviewer::Asset* asset = webviewer::findAsset(path);
  if (asset == nullptr) throw notFound("no file '" + path + "' in the web app");
  const std::string mime(asset->mime);
  OrthancPluginAnswerBuffer(sdkContext(), output, asset->body.data(),
                            static_cast<uint32_t>(asset->body.size()), mime.c_str());
}

std::string g_indexUri;

void redirectToIndex(PluginContext&, OrthancPluginRestOutput* output, const OrthancPluginHttpRequest* request) {
  requireMethod(output, request, OrthancPluginHttpMethod_Get);
  OrthancPluginRedirect(sdkContext(), output, g_indexUri.c_str());
}

// Orthanc Explorer is a jQuery Mobile app: pages are shown with "pagebeforeshow"; the
// current resource id is in the page URL's "uuid" parameter. The handlers are bound at
// once (not on document-ready): a study page opened directly is shown before ready fires.
std::string explorerScript(const std::string& root) {
  return R"JS(
(function () {
  function mcrAddButton(pageId, kind) {
    $('#' + pageId).live('pagebeforeshow', function () {
      $('#mcr-similar-' + kind).remove();
      var uuid = ($.mobile.pageData && $.mobile.pageData.uuid) ||
                 (window.location.href.match(/uuid=([0-9a-f-]+)/) || [])[1];
      if (!uuid) return;
      var b = $('<a>').attr('id', 'mcr-similar-' + kind).attr('data-role', 'button')
        .attr('href', ')JS" + root + R"JS(app/index.html#' + kind + '=' + uuid).attr('target', '_blank')
        .attr('data-icon', 'search').text('Similar cases');
      b.insertBefore($('#' + pageId + ' a[href="#protection"]').first().length ?
                     $('#' + pageId + ' a[href="#protection"]').first() :
                     $('#' + pageId + ' .ui-content .ui-listview').first());
      try { b.button(); } catch (e) {}
    });
  }
  mcrAddButton('study', 'study');
  mcrAddButton('instance', 'instance');
})();
)JS";
}

}  // namespace

void registerWebApp(const std::string& root) {
  // Orthanc drops a URI's trailing slash: "{root}app/" arrives as "{root}app", which is
  // redirected to the index page so that the page's relative links resolve.
  g_indexUri = root + "app/index.html";
  registerRoute(root + "app", restRoute<redirectToIndex>);
  registerRoute(root + "app/(.+)", restRoute<serveAsset>);
  OrthancPluginSetRootUri(sdkContext(), (root + "app/index.html").c_str());
}

void extendOrthancExplorer(const std::string& root) {
  OrthancPluginExtendOrthancExplorer(sdkContext(), explorerScript(root).c_str());
}

}  // namespace mcr::plugin
