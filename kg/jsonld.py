"""Write a graph as compacted JSON-LD: the given prefixes as the @context, one node object per
subject with its properties as compact IRIs, rdf:type as @type.

pyoxigraph writes expanded JSON-LD only (full IRIs, no @context), and compacting through
rdflib took a minute for a million triples. This writer reads the graph as canonical N-Triples,
which pyoxigraph writes fast, and takes its terms apart as text: an N-Triples IRI or quoted
literal is already a JSON string once quoted (canonical N-Triples escapes exactly the
characters JSON must, as JSON does), so no term becomes a Python object.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from json.encoder import encode_basestring as _string
from pathlib import Path

from kg.heap import without_cycle_collection

__all__ = ["write_jsonld"]

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
# compacted terms kept for reuse: predicates, classes, statuses and concepts recur on every line
_REMEMBERED = 200_000


def _compactor(prefixes: Mapping[str, str]) -> Callable[[str], str]:
    """An N-Triples IRI (`<...>`) as a JSON string, `prefix:local` where a prefix's namespace
    ends the IRI's path."""
    namespaces = {iri: name for name, iri in prefixes.items()}
    known: dict[str, str] = {}

    def compact(term: str) -> str:
        found = known.get(term)
        if found is not None:
            return found
        iri = term[1:-1]
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        prefix, local = namespaces.get(iri[:cut]), iri[cut:]
        # a local part that starts with // would make the whole read as an absolute IRI
        shown = _string(f"{prefix}:{local}" if prefix and not local.startswith("//") else iri)
        if len(known) < _REMEMBERED:
            known[term] = shown
        return shown

    return compact


def _literal(term: str, compact: Callable[[str], str]) -> str:
    """An N-Triples literal or blank node as a JSON-LD value: a string or a value object."""
    if term[0] == "_":
        return '{"@id":"' + term + '"}'
    end = term.rindex('"')
    text, suffix = term[: end + 1], term[end + 1 :]
    if not suffix:
        return text
    if suffix[0] == "@":
        return '{"@value":' + text + ',"@language":"' + suffix[1:] + '"}'
    return '{"@value":' + text + ',"@type":' + compact(suffix[2:]) + "}"


@without_cycle_collection
def write_jsonld(ntriples: bytes, out: Path, prefixes: Mapping[str, str]) -> int:
    """Write the graph given as canonical N-Triples (`S P O .` a line, as pyoxigraph writes
    it) to `out` as JSON-LD compacted with `prefixes`; returns how many triples it wrote.
    Nodes come sorted by their compacted @id."""
    compact = _compactor(prefixes)
    # each subject's values by JSON key, the subject and predicate as N-Triples wrote them
    nodes: dict[str, dict[str, list[str]]] = {}
    keys: dict[str, str] = {RDF_TYPE: '"@type"'}
    references: dict[str, str] = {}
    count = 0
    # lines end at \n only: a literal may hold U+2028, which str.splitlines would cut at
    for line in ntriples.decode("utf-8").split("\n"):
        if not line:
            continue
        count += 1
        subject, predicate, obj = line.split(" ", 2)
        obj = obj[:-2]  # " ."
        if subject[1] == "<" or obj[:2] == "<<":
            raise ValueError("JSON-LD 1.1 has no RDF-star triple terms")
        node = nodes.get(subject)
        if node is None:
            node = nodes[subject] = {}
        key = keys.get(predicate)
        if key is None:
            key = keys[predicate] = compact(predicate)
        if obj[0] != "<":
            value = _literal(obj, compact)
        elif key == '"@type"':
            value = compact(obj)
        else:
            value = references.get(obj) or references.setdefault(
                obj, '{"@id":' + compact(obj) + "}"
            )
        values = node.get(key)
        if values is None:
            node[key] = [value]
        else:
            values.append(value)
    identified = sorted(
        (compact(subject) if subject[0] == "<" else f'"{subject}"', subject) for subject in nodes
    )
    with out.open("w", encoding="utf-8") as file:
        context = json.dumps(dict(prefixes), indent=4, ensure_ascii=False)
        file.write('{\n  "@context": ' + context.replace("\n}", "\n  }") + ',\n  "@graph": [')
        separator = "\n    "
        for node_id, subject in identified:
            properties = "".join(
                f",{key}:{values[0] if len(values) == 1 else '[' + ','.join(values) + ']'}"
                for key, values in nodes[subject].items()
            )
            file.write(separator + '{"@id":' + node_id + properties + "}")
            separator = ",\n    "
        file.write("\n  ]\n}\n")
    return count
