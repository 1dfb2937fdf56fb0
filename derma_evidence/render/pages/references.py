"""The bibliography page: every reference in citation style, its links, and the claims and trials citing it."""

from __future__ import annotations

from collections import defaultdict

from derma_evidence import citations
from derma_evidence.model.claims import Reference
from derma_evidence.render.context import PAGES, Context, Page, make_page, ref_anchor


def _sort_key(ref: Reference) -> tuple[str, str, str]:
    names = citations.surnames(ref)
    return ((names[0] if names else ref.key).casefold(), citations.clean(ref.get("year") or ""), ref.key)


def references_page(ctx: Context) -> Page:
    path = PAGES["references"]
    link = ctx.linker(path)
    cited_by: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for c in ctx.kb.claims:
        if not c.id:
            continue
        backlink = (ctx.claim_title(c.id), ctx.claim_href(link, c.id))
        for key in dict.fromkeys(s.key for s in c.sources if s.key):
            cited_by[key].append(backlink)
    for t in ctx.kb.trials:
        if t.key:
            trial_label = f"Trial {ctx.short(t.key)}"
            cited_by[t.key].append((trial_label, link(PAGES["trials"], "trial-" + t.key)))
    refs = sorted(ctx.kb.references, key=_sort_key)
    vms = [ctx.ref_vm(link, r.key, i, ref_anchor(r.key), tuple(cited_by.get(r.key, ()))) for i, r in enumerate(refs, 1)]
    return make_page(
        path,
        "References",
        "references.html.j2",
        references=[(vm, ctx.short(vm.key)) for vm in vms],
        style="Vancouver (ICMJE/NLM)",
    )
