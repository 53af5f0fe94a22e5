"""Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2) for 随手拍 at /open311/v2/: the public
categories as services, cases as service requests, filing by a client holding an api_key, and an
extension feed of each case's steps. See docs/open311.md."""
