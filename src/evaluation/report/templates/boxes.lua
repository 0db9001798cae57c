-- Boxes for notes, the DRAFT banner and failed sections, in Typst output; a contents list after the header.
local styles = {
  ["note"] = 'fill: rgb("#eef5fb"), stroke: (left: 2.5pt + rgb("#0072B2")), inset: 8pt, width: 100%',
  ["draft"] = 'fill: rgb("#fde8ea"), stroke: 1.5pt + rgb("#b00020"), inset: 10pt, width: 100%',
  ["commentary"] = 'fill: rgb("#f3f1ea"), stroke: (left: 2.5pt + rgb("#7a6f4e")), inset: 8pt, width: 100%',
  ["not-available"] = 'fill: rgb("#fff4e0"), stroke: 1.5pt + rgb("#E69F00"), inset: 10pt, width: 100%',
}

-- HTML: the contents list goes where the paper puts it (after the To/From/Date block).
function Pandoc(doc)
  if FORMAT:match("typst") then return nil end
  local toc = pandoc.structure.table_of_contents(doc.blocks, { toc_depth = 1 })
  local blocks = {}
  for _, b in ipairs(doc.blocks) do
    if b.t == "Div" and b.classes:includes("contents") then
      table.insert(blocks, pandoc.Div({ pandoc.Header(1, "Contents", { id = "contents" }), toc },
                                      { id = "TOC", role = "doc-toc" }))
    else
      table.insert(blocks, b)
    end
  end
  doc.blocks = blocks
  return doc
end

function Div(el)
  if not FORMAT:match("typst") then return nil end
  if el.classes:includes("contents") then
    return pandoc.RawBlock("typst", '#outline(title: [Contents], depth: 1, indent: auto)\n#pagebreak(weak: true)')
  end
  for cls, style in pairs(styles) do
    if style and el.classes:includes(cls) then
      local blocks = { pandoc.RawBlock("typst", "#block(" .. style .. ")[") }
      for _, b in ipairs(el.content) do table.insert(blocks, b) end
      table.insert(blocks, pandoc.RawBlock("typst", "]"))
      return blocks
    end
  end
end
