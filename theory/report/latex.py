"""claims.tex and the slide table: the claims as LaTeX tables for pdfLaTeX.

``reports/claims.tex`` is a ``longtable`` for an article (it breaks across pages);
:func:`render_slide_table` gives a few chosen claims as a ``tabular`` that fits one beamer
frame. Both need only the packages their header comment names, and list the claims in the
registry's order, leaving out claims the run did not run.
"""

from __future__ import annotations

__all__ = ["to_latex", "render_latex", "render_slide_table", "ARTICLE_PACKAGES", "SLIDE_PACKAGES"]

_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "{": r"\{", "}": r"\}",
            "~": r"\ensuremath{\sim}", "\\": r"\textbackslash{}", "<": r"\ensuremath{<}",
            ">": r"\ensuremath{>}", "|": r"\ensuremath{|}"}
# math-mode replacements for the Unicode used in claim statements
_MATH = {
    "‖": r"\|", "∂": r"\partial ", "≤": r"\le ", "≥": r"\ge ", "≠": r"\ne ", "≈": r"\approx ",
    "−": "-", "·": r"\cdot ", "×": r"\times ", "→": r"\to ", "∞": r"\infty ", "∈": r"\in ",
    "γ": r"\gamma ", "σ": r"\sigma ", "ρ": r"\rho ", "κ": r"\kappa ", "ℓ": r"\ell ",
    "ε": r"\varepsilon ", "φ": r"\varphi ", "λ": r"\lambda ", "Λ": r"\Lambda ", "Π": r"\Pi ",
    "Σ": r"\Sigma ", "μ": r"\mu ", "θ": r"\theta ", "α": r"\alpha ", "β": r"\beta ",
    "δ": r"\delta ", "η": r"\eta ", "τ": r"\tau ", "ω": r"\omega ", "√": r"\surd ",
    "*": "^{*}", "'": "'",
    "χ": r"\chi ", "ψ": r"\psi ", "ξ": r"\xi ", "ζ": r"\zeta ", "ν": r"\nu ", "π": r"\pi ",
    "Γ": r"\Gamma ", "Δ": r"\Delta ", "Ω": r"\Omega ", "Φ": r"\Phi ", "Ψ": r"\Psi ",
    "Θ": r"\Theta ", "∇": r"\nabla ", "∝": r"\propto ", "≪": r"\ll ", "≫": r"\gg ",
    "∘": r"\circ ", "⊗": r"\otimes ", "∩": r"\cap ", "∪": r"\cup ",
    "⊙": r"\odot ", "∑": r"\sum ", "∏": r"\prod ", "∀": r"\forall ", "±": r"\pm ",
    "⟨": r"\langle ", "⟩": r"\rangle ",
}
_SUP = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ⁿᵀ", "0123456789-+nT"))
_SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉₋₊", "0123456789-+"))
_TEXT = {"½": r"\textonehalf{}", "¼": r"\textonequarter{}", "°": r"\textdegree{}", "—": "---", "–": "--", "“": "``", "”": "''", "’": "'", "…": r"\dots{}", "ü": r'\"u', "é": r"\'e"}


def _math(text):
    out = []
    for ch in text:
        if ch in _MATH:
            out.append(_MATH[ch])
        elif ch in "&%$#~\\":
            out.append(_SPECIAL[ch])
        else:
            out.append(ch)
    return "".join(out)


def _word_char(ch):
    return (ch.isascii() and ch.isalnum()) or ch in _MATH and ch.isalpha()


def _is_identifier_underscore(text, i):
    """Whether the ``_`` at text[i] joins a code identifier (``clip_grad_norm_``), not a subscript."""
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in "._"):
        j -= 1
    word = text[j:i]
    return "." in word or "_" in word or len(word) > 3 or i + 1 >= len(text) or text[i + 1] == "_"


def _group(text, i):
    """The sub/superscript starting at text[i] (i < len(text)): ``{...}``, ``(...)`` (brackets
    dropped) or a run of letters and digits."""
    opener = text[i]
    closer = {"{": "}", "(": ")"}.get(opener)
    if closer is None:
        j = i + 1
        if _word_char(text[i]):
            while j < len(text) and _word_char(text[j]):
                j += 1
        return text[i:j], j
    depth = 0
    for j in range(i, len(text)):
        depth += text[j] == opener
        depth -= text[j] == closer
        if depth == 0:
            return text[i + 1:j], j + 1
    return text[i:], len(text)


def to_latex(text):
    """Convert a claim statement (Unicode, ``h_T``, ``x^(T−k)``) to LaTeX for pdfLaTeX.

    Special characters are escaped, Greek letters and symbols become math, ``_x`` and
    ``^(...)`` become sub- and superscripts. Characters it does not know are kept (they
    need XeLaTeX or LuaLaTeX).
    """
    out, i = [], 0
    text = str(text)
    while i < len(text):
        ch = text[i]
        if ch == "_" and _is_identifier_underscore(text, i):
            out.append(r"\_")
            i += 1
            continue
        if ch in "_^" and i + 1 < len(text) and not text[i + 1].isspace():
            inner, i = _group(text, i + 1)
            out.append(r"\ensuremath{" + ch + "{" + _math(inner) + "}}")
            continue
        if ch in _SUP or ch in _SUB:
            table, mark = (_SUP, "^") if ch in _SUP else (_SUB, "_")
            j = i
            while j < len(text) and text[j] in table:
                j += 1
            out.append(r"\ensuremath{" + mark + "{" + "".join(table[c] for c in text[i:j]) + "}}")
            i = j
            continue
        if ch in _MATH and ch not in "*'":
            out.append(r"\ensuremath{" + _MATH[ch].rstrip() + "}")
        elif ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif ch in _TEXT:
            out.append(_TEXT[ch])
        else:
            out.append(ch)
        i += 1
    return "".join(out)


#: The packages claims.tex needs, as its header comment names them.
ARTICLE_PACKAGES = ("booktabs", "longtable")
#: The packages the slide table needs (beamer loads the rest).
SLIDE_PACKAGES = ("booktabs",)
#: The most claims :func:`render_slide_table` puts on one frame.
SLIDE_MAX_CLAIMS = 4

_LEGEND = (
    "Status: VERIFIED when every linked test passed, FAILED when one failed, NOT VERIFIED "
    "when some did not run. Evidence: what the tests recorded, in the claim's own units "
    "(Hypothesis examples or cases with their violations and the case closest to the bound, "
    "or an experiment's accuracies and seeds); \\emph{attained to within rounding} means the "
    "closest case met the bound up to float64 rounding ($\\le 10^{-9}$), above or below as stated."
)


def _share(percent, fixed, separators):
    """A ``p`` column of ``percent`` % of the line left after ``fixed`` and the column gaps."""
    return (f"p{{\\dimexpr(\\linewidth-{fixed}-{separators}\\tabcolsep)*{percent}/100\\relax}}")


def _header(results, what, packages):
    prov, run = results.provenance, results.run
    lines = [
        f"% {what} -- generated by {prov.package} {prov.version} (python -m theory.report); do not edit.",
        f"% Commit {prov.commit or 'unknown'}{' (dirty)' if prov.dirty else ''}, {prov.date}, "
        f"Hypothesis profile {prov.profile}, {run.scope} run, run status {run.status}.",
    ]
    if run.scope == "partial":
        lines.append("% PARTIAL RUN: claims whose tests were not selected are left out; do not cite it "
                     "as a full verification.")
    lines.append("% Preamble (these packages and no others):")
    return lines + [f"% \\usepackage{{{p}}}" for p in packages]


def _source(results):
    prov, run = results.provenance, results.run
    partial = ", PARTIAL run" if run.scope == "partial" else ""
    return (f"{to_latex(prov.package)} {to_latex(prov.version)}, commit "
            f"{to_latex(prov.commit_text)}, Hypothesis profile {to_latex(str(prov.profile))}{partial}")


def _cited(results):
    return [c for c in results.claims if c.status != "not run"]


def _status(c):
    label = c.status.upper()
    return "\\textbf{" + label + "}" if c.status == "failed" else label


def render_latex(results):
    """The text of claims.tex: every claim that ran, as a ``longtable``.

    Parameters
    ----------
    results : Results

    Returns
    -------
    str
        A ``longtable`` (booktabs rules) with a caption, a column legend and one row per
        claim that ran: ID, status, statement, evidence. Use it with ``\\input{claims.tex}``
        in an article whose preamble loads :data:`ARTICLE_PACKAGES`.
    """
    lines = _header(results, "claims.tex", ARTICLE_PACKAGES) + [
        "\\begingroup\\footnotesize",
        "\\setlength{\\LTcapwidth}{\\linewidth}",
        "\\begin{longtable}{@{}p{2.8em}p{5.4em}" + _share(55, "8.2em", 6) + _share(45, "8.2em", 6) + "@{}}",
        f"\\caption{{Claims checked by {_source(results)}. {_LEGEND}}}\\\\",
        "\\toprule",
        "Claim & Status & Statement & Evidence \\\\",
        "\\midrule",
        "\\endfirsthead",
        "\\toprule",
        "Claim & Status & Statement & Evidence \\\\",
        "\\midrule",
        "\\endhead",
        "\\bottomrule",
        "\\endlastfoot",
    ]
    for c in _cited(results):
        lines.append(f"{to_latex(c.id)} & {_status(c)} & \\raggedright {to_latex(c.statement)} & "
                     f"\\raggedright {to_latex(c.evidence)}\\tabularnewline")
    return "\n".join(lines + ["\\end{longtable}", "\\endgroup", ""])


def render_slide_table(results, claim_ids):
    """The chosen claims as a table for one beamer frame.

    Parameters
    ----------
    results : Results
    claim_ids : sequence of str
        1 to :data:`SLIDE_MAX_CLAIMS` claim IDs of claims that ran; the table lists them in
        the registry's order.

    Returns
    -------
    str
        A ``tabular`` (booktabs rules): the ID, then the statement with its evidence
        below it; the header names the package version and commit.

    Raises
    ------
    ValueError
        For no IDs, more than :data:`SLIDE_MAX_CLAIMS`, an ID not in the results, or a claim
        the run did not run.
    """
    ids = list(dict.fromkeys(claim_ids))
    if not 1 <= len(ids) <= SLIDE_MAX_CLAIMS:
        raise ValueError(f"--claims takes 1 to {SLIDE_MAX_CLAIMS} claim IDs for one slide, got {len(ids)}")
    position = {c.id: i for i, c in enumerate(results.claims)}  # the registry's order
    chosen = sorted((results.claim(i) for i in ids), key=lambda c: position[c.id])
    not_run = [c.id for c in chosen if c.status == "not run"]
    if not_run:
        raise ValueError(f"claim(s) {', '.join(not_run)} did not run in these results: nothing to cite")
    # 8 pt (\\scriptsize) fits three of the longest claims on a frame under its title;
    # four of them need 7.5 pt
    size = "\\scriptsize" if len(chosen) < SLIDE_MAX_CLAIMS else "\\fontsize{7.5}{8.6}\\selectfont"
    lines = _header(results, "slide table", SLIDE_PACKAGES) + [
        "\\begingroup" + size,
        "\\begin{tabular}{@{}p{2.8em}" + _share(100, "2.8em", 2) + "@{}}",
        "\\toprule",
        f"Claim & Statement and evidence ({_source(results)}) \\\\",
        "\\midrule",
    ]
    for c in chosen:
        status = "" if c.status == "verified" else f"\\newline ({_status(c)})"
        lines.append(f"{to_latex(c.id)}{status} & \\raggedright {to_latex(c.statement)}\\newline "
                     f"\\emph{{Evidence:}} {to_latex(c.evidence)}\\tabularnewline")
    lines += ["\\bottomrule", "\\end{tabular}", "\\endgroup", ""]
    return "\n".join(lines)
