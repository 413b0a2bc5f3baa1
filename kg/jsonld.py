"""Write triples as compacted JSON-LD: the given prefixes as the @context, one node object per
subject with its properties as compact IRIs, rdf:type as @type.

pyoxigraph writes expanded JSON-LD only (full IRIs, no @context), and compacting through
rdflib took a minute for a million triples; this writer streams the triples once and writes
JSON text itself, one node object a line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from json.encoder import encode_basestring as _string
from pathlib import Path

import pyoxigraph as ox

from kg.heap import without_cycle_collection

__all__ = ["write_jsonld"]

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# compacted IRIs kept for reuse: predicates, classes and datatypes recur on every line
_REMEMBERED = 100_000


class _Compactor:
    """IRIs as JSON strings, `prefix:local` where a prefix's namespace ends the IRI's path."""

    def __init__(self, prefixes: Mapping[str, str]):
        self.namespaces = {iri: name for name, iri in prefixes.items()}
        self.known: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        found = self.known.get(iri)
        if found is not None:
            return found
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        prefix, local = self.namespaces.get(iri[:cut]), iri[cut:]
        # a local part that starts with // would make the whole read as an absolute IRI
        shown = _string(f"{prefix}:{local}" if prefix and not local.startswith("//") else iri)
        if len(self.known) < _REMEMBERED:
            self.known[iri] = shown
        return shown


def _node_id(term: ox.NamedNode | ox.BlankNode, compact: _Compactor) -> str:
    return compact(term.value) if isinstance(term, ox.NamedNode) else _string(f"_:{term.value}")


@without_cycle_collection
def write_jsonld(
    triples: Iterable[ox.Triple | ox.Quad], out: Path, prefixes: Mapping[str, str]
) -> int:
    """Write `triples` (of the default graph) to `out` as JSON-LD compacted with `prefixes`;
    returns how many triples it wrote. Nodes come sorted by their compacted @id."""
    compact = _Compactor(prefixes)
    type_key = '"@type"'
    nodes: dict[str, dict[str, list[str]]] = {}
    count = 0
    for triple in triples:
        count += 1
        subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
        if isinstance(subject, ox.Triple) or isinstance(obj, ox.Triple):
            raise ValueError("JSON-LD 1.1 has no RDF-star triple terms")
        node = nodes.setdefault(_node_id(subject, compact), {})
        if isinstance(obj, ox.NamedNode):
            if predicate == RDF_TYPE:
                node.setdefault(type_key, []).append(compact(obj.value))
                continue
            value = '{"@id":' + compact(obj.value) + "}"
        elif isinstance(obj, ox.BlankNode):
            value = '{"@id":' + _string(f"_:{obj.value}") + "}"
        elif obj.language:
            value = '{"@value":' + _string(obj.value) + ',"@language":' + _string(obj.language)
            value += "}"
        elif obj.datatype.value == XSD_STRING:
            value = _string(obj.value)
        else:
            value = '{"@value":' + _string(obj.value) + ',"@type":'
            value += compact(obj.datatype.value) + "}"
        node.setdefault(compact(predicate), []).append(value)
    with out.open("w", encoding="utf-8") as file:
        context = json.dumps(dict(prefixes), indent=4, ensure_ascii=False)
        file.write('{\n  "@context": ' + context.replace("\n}", "\n  }") + ',\n  "@graph": [')
        separator = "\n    "
        for node_id in sorted(nodes):
            properties = "".join(
                f",{key}:{values[0] if len(values) == 1 else '[' + ','.join(values) + ']'}"
                for key, values in nodes[node_id].items()
            )
            file.write(separator + '{"@id":' + node_id + properties + "}")
            separator = ",\n    "
        file.write("\n  ]\n}\n")
    return count
