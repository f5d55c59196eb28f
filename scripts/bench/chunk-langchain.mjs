// chunk-langchain.mjs -- the anchor for scripts/bench/chunk.sh: LangChain's
// RecursiveCharacterTextSplitter over JSON-lines, writing chunk records
// like etv-chunk's (id, doc_id, seq, text, other fields).
// Usage: node chunk-langchain.mjs chars|tokens SIZE OVERLAP FILE > out.jsonl
import { readFileSync, writeSync } from "node:fs";
import { RecursiveCharacterTextSplitter } from "@langchain/textsplitters";
import { getEncoding } from "js-tiktoken";

const [mode, size, overlap, file] = process.argv.slice(2);
const opts = { chunkSize: Number(size), chunkOverlap: Number(overlap) };
if (mode === "tokens") {
	const enc = getEncoding("cl100k_base");
	opts.lengthFunction = (t) => enc.encode(t).length;
}
const splitter = new RecursiveCharacterTextSplitter(opts);
const data = readFileSync(file, "utf8");
let out = [];
let outLen = 0;
function flush() {
	writeSync(1, out.join(""));
	out = [];
	outLen = 0;
}
for (const line of data.split("\n")) {
	if (line.trim() === "")
		continue;
	const rec = JSON.parse(line);
	const { id, text, ...rest } = rec;
	const chunks = await splitter.splitText(text);
	chunks.forEach((t, seq) => {
		const s = JSON.stringify({ id: `${id}#${seq}`, doc_id: id, seq,
		    text: t, ...rest }) + "\n";
		out.push(s);
		outLen += s.length;
	});
	if (outLen > 1 << 22)
		flush();
}
flush();
