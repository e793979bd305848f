"""claims.tex: a booktabs table of the claims for slides (``\\input{claims.tex}``)."""

from __future__ import annotations

from .numbers import ratio_text, status_label

__all__ = ["to_latex", "render_latex"]

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
    "∘": r"\circ ", "⊗": r"\otimes ", "√": r"\surd ", "∩": r"\cap ", "∪": r"\cup ",
    "⊙": r"\odot ", "∑": r"\sum ", "∏": r"\prod ", "∀": r"\forall ", "±": r"\pm ",
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


def render_latex(results):
    """The text of claims.tex.

    Parameters
    ----------
    results : dict
        A results document.

    Returns
    -------
    str
        A ``tabular`` (booktabs) with one row per claim: ID, status, examples, violations,
        tightest case (measured / bound), statement. Needs ``\\usepackage{booktabs}``.
    """
    prov, run = results["provenance"], results["run"]
    git = prov.get("git") or {}
    hyp = prov.get("hypothesis") or {}
    lines = [
        f"% Generated by {prov.get('package')} {prov.get('version')} (python -m theory.report); do not edit.",
        f"% Commit {git.get('commit') or 'unknown'}{' (dirty)' if git.get('dirty') else ''}, "
        f"{prov.get('date')}, Hypothesis profile {hyp.get('profile')}, {run['scope']} run, "
        f"run status {run['status']}.",
        "% Use: \\usepackage{booktabs} in the preamble, then \\input{claims.tex}.",
        "\\begingroup\\footnotesize",
        "\\begin{tabular}{@{}l l r r r p{0.5\\linewidth}@{}}",
        "\\toprule",
        "Claim & Status & Examples & Violations & Tightest & Statement \\\\",
        "\\midrule",
    ]
    for c in results["claims"]:
        status = status_label(c["status"])
        if c["status"] == "failed":
            status = "\\textbf{" + status + "}"
        lines.append(
            f"{to_latex(c['id'])} & {status} & {c['examples']} & {c['violations']} & "
            f"{to_latex(ratio_text(c['worst_tightness']))} & {to_latex(c['statement'])} \\\\"
        )
    lines += [
        "\\bottomrule",
        "\\end{tabular}",
        "\\endgroup",
        "% Tightest: measured / bound in the worst case observed (e^tightness); <= 1 means the bound held.",
        "",
    ]
    if run["scope"] == "partial":
        lines.insert(2, "% PARTIAL RUN: claims whose tests were not selected are NOT RUN.")
    return "\n".join(lines)
