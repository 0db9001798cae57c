-- Boxes for notes, the DRAFT banner and failed sections, in Typst output; a contents list after the header.
local styles = {
  ["public"] = 'fill: rgb("#eaf6ee"), stroke: 1.5pt + rgb("#009E73"), inset: 8pt, width: 100%',
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

-- Typst scopes a Div may open: settings that hold for its content only.
local scopes = {
  -- a table longer than a page may run over pages (the template keeps figures whole)
  ["breakable"] = "#show figure.where(kind: table): set block(breakable: true)",
  -- page one's indicator summary: small type and tight cells so it fits beside the asks
  ["compact"] = "#set text(size: 7.2pt)\n#set table(inset: (x: 3pt, y: 1.6pt))\n#set par(leading: 0.45em)",
}

-- The Div's content between an opening and a closing line of raw Typst.
local function wrap(el, open, close)
  local blocks = { pandoc.RawBlock("typst", open) }
  for _, b in ipairs(el.content) do table.insert(blocks, b) end
  table.insert(blocks, pandoc.RawBlock("typst", close))
  return blocks
end

function Div(el)
  if not FORMAT:match("typst") then return nil end
  if el.classes:includes("contents") then
    return pandoc.RawBlock("typst", '#outline(title: [Contents], depth: 1, indent: auto)')
  end
  if el.classes:includes("pagebreak") then
    return pandoc.RawBlock("typst", '#pagebreak(weak: true)')
  end
  for cls, settings in pairs(scopes) do
    if el.classes:includes(cls) then return wrap(el, "#[\n" .. settings, "]") end
  end
  for cls, style in pairs(styles) do
    if style and el.classes:includes(cls) then
      return wrap(el, "#block(" .. style .. ")[", "]")
    end
  end
end


-- Typst: Pandoc's Typst writer drops an image's alt text, so write the figure ourselves with
-- image(..., alt: "...") (PDF/UA-1 requires alt text on every figure).
local function typst_string(text)
  return (text:gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("%s+", " "))
end

function Figure(el)
  if not FORMAT:match("typst") then return nil end
  local img = nil
  el:walk({ Image = function(i) if not img then img = i end end })
  if not img then return nil end
  -- Pandoc 3 keeps an explicit {alt="..."} as the image's description; the figure's caption
  -- is the bracketed text
  local alt = pandoc.utils.stringify(img.caption)
  if alt == "" then alt = pandoc.utils.stringify(el.caption.long) end
  local width = img.attributes["width"] or "100%"
  local caption = pandoc.write(pandoc.Pandoc({ pandoc.Plain(pandoc.utils.blocks_to_inlines(el.caption.long)) }), "typst")
  caption = caption:gsub("%s+$", "")
  return pandoc.RawBlock("typst", string.format(
    '#figure(image("%s", width: %s, alt: "%s"),\n  caption: [%s]\n)',
    typst_string(img.src), width, typst_string(alt), caption))
end
