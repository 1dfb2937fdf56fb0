"""Clients of the literature services the living review searches: one HTTP seam, one module per service.

`http` is the only module that touches the network (and only through its `Transport`, which tests
replace with recorded responses); `pubmed`, `europepmc`, `ctgov` and `crossref` turn each service's
documented JSON into typed records (`records`). Nothing here reads or writes the knowledge base.
"""
