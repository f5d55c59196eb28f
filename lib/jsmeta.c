/* jsmeta.c -- the meta-schemas of JSON Schema 2020-12 and draft 7, built in */
/* SPDX-License-Identifier: MIT */

/*
 * The texts below are the meta-schemas published by json-schema.org,
 * minified, so that schemas referring to them resolve without the
 * network.
 */

#include <string.h>

#include "lib/jsmeta.h"

static const struct {
	const char	*uri;		/* $id without "#" */
	const char	*text;		/* the JSON document */
} metas[] = {
	{ "https://json-schema.org/draft/2020-12/schema",
	    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\""
	    "$id\":\"https://json-schema.org/draft/2020-12/schema\",\"$vocabu"
	    "lary\":{\"https://json-schema.org/draft/2020-12/vocab/core\":tru"
	    "e,\"https://json-schema.org/draft/2020-12/vocab/applicator\":tru"
	    "e,\"https://json-schema.org/draft/2020-12/vocab/unevaluated\":tr"
	    "ue,\"https://json-schema.org/draft/2020-12/vocab/validation\":tr"
	    "ue,\"https://json-schema.org/draft/2020-12/vocab/meta-data\":tru"
	    "e,\"https://json-schema.org/draft/2020-12/vocab/format-annotatio"
	    "n\":true,\"https://json-schema.org/draft/2020-12/vocab/content\""
	    ":true},\"$dynamicAnchor\":\"meta\",\"title\":\"Core and Validati"
	    "on specifications meta-schema\",\"allOf\":[{\"$ref\":\"meta/core"
	    "\"},{\"$ref\":\"meta/applicator\"},{\"$ref\":\"meta/unevaluated"
	    "\"},{\"$ref\":\"meta/validation\"},{\"$ref\":\"meta/meta-data\"}"
	    ",{\"$ref\":\"meta/format-annotation\"},{\"$ref\":\"meta/content"
	    "\"}],\"type\":[\"object\",\"boolean\"],\"$comment\":\"This meta-"
	    "schema also defines keywords that have appeared in previous draf"
	    "ts in order to prevent incompatible extensions as they remain in"
	    " common use.\",\"properties\":{\"definitions\":{\"$comment\":\""
	    "\\\"definitions\\\" has been replaced by \\\"$defs\\\".\",\"type"
	    "\":\"object\",\"additionalProperties\":{\"$dynamicRef\":\"#meta"
	    "\"},\"deprecated\":true,\"default\":{}},\"dependencies\":{\"$com"
	    "ment\":\"\\\"dependencies\\\" has been split and replaced by \\"
	    "\"dependentSchemas\\\" and \\\"dependentRequired\\\" in order to"
	    " serve their differing semantics.\",\"type\":\"object\",\"additi"
	    "onalProperties\":{\"anyOf\":[{\"$dynamicRef\":\"#meta\"},{\"$ref"
	    "\":\"meta/validation#/$defs/stringArray\"}]},\"deprecated\":true"
	    ",\"default\":{}},\"$recursiveAnchor\":{\"$comment\":\"\\\"$recur"
	    "siveAnchor\\\" has been replaced by \\\"$dynamicAnchor\\\".\",\""
	    "$ref\":\"meta/core#/$defs/anchorString\",\"deprecated\":true},\""
	    "$recursiveRef\":{\"$comment\":\"\\\"$recursiveRef\\\" has been r"
	    "eplaced by \\\"$dynamicRef\\\".\",\"$ref\":\"meta/core#/$defs/ur"
	    "iReferenceString\",\"deprecated\":true}}}" },
	{ "https://json-schema.org/draft/2020-12/meta/core",
	    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\""
	    "$id\":\"https://json-schema.org/draft/2020-12/meta/core\",\"$voc"
	    "abulary\":{\"https://json-schema.org/draft/2020-12/vocab/core\":"
	    "true},\"$dynamicAnchor\":\"meta\",\"title\":\"Core vocabulary me"
	    "ta-schema\",\"type\":[\"object\",\"boolean\"],\"properties\":{\""
	    "$id\":{\"$ref\":\"#/$defs/uriReferenceString\",\"$comment\":\"No"
	    "n-empty fragments not allowed.\",\"pattern\":\"^[^#]*#?$\"},\"$s"
	    "chema\":{\"$ref\":\"#/$defs/uriString\"},\"$ref\":{\"$ref\":\"#/"
	    "$defs/uriReferenceString\"},\"$anchor\":{\"$ref\":\"#/$defs/anch"
	    "orString\"},\"$dynamicRef\":{\"$ref\":\"#/$defs/uriReferenceStri"
	    "ng\"},\"$dynamicAnchor\":{\"$ref\":\"#/$defs/anchorString\"},\"$"
	    "vocabulary\":{\"type\":\"object\",\"propertyNames\":{\"$ref\":\""
	    "#/$defs/uriString\"},\"additionalProperties\":{\"type\":\"boolea"
	    "n\"}},\"$comment\":{\"type\":\"string\"},\"$defs\":{\"type\":\"o"
	    "bject\",\"additionalProperties\":{\"$dynamicRef\":\"#meta\"}}},"
	    "\"$defs\":{\"anchorString\":{\"type\":\"string\",\"pattern\":\"^"
	    "[A-Za-z_][-A-Za-z0-9._]*$\"},\"uriString\":{\"type\":\"string\","
	    "\"format\":\"uri\"},\"uriReferenceString\":{\"type\":\"string\","
	    "\"format\":\"uri-reference\"}}}" },
	{ "https://json-schema.org/draft/2020-12/meta/applicator",
	    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\""
	    "$id\":\"https://json-schema.org/draft/2020-12/meta/applicator\","
	    "\"$vocabulary\":{\"https://json-schema.org/draft/2020-12/vocab/a"
	    "pplicator\":true},\"$dynamicAnchor\":\"meta\",\"title\":\"Applic"
	    "ator vocabulary meta-schema\",\"type\":[\"object\",\"boolean\"],"
	    "\"properties\":{\"prefixItems\":{\"$ref\":\"#/$defs/schemaArray"
	    "\"},\"items\":{\"$dynamicRef\":\"#meta\"},\"contains\":{\"$dynam"
	    "icRef\":\"#meta\"},\"additionalProperties\":{\"$dynamicRef\":\"#"
	    "meta\"},\"properties\":{\"type\":\"object\",\"additionalProperti"
	    "es\":{\"$dynamicRef\":\"#meta\"},\"default\":{}},\"patternProper"
	    "ties\":{\"type\":\"object\",\"additionalProperties\":{\"$dynamic"
	    "Ref\":\"#meta\"},\"propertyNames\":{\"format\":\"regex\"},\"defa"
	    "ult\":{}},\"dependentSchemas\":{\"type\":\"object\",\"additional"
	    "Properties\":{\"$dynamicRef\":\"#meta\"},\"default\":{}},\"prope"
	    "rtyNames\":{\"$dynamicRef\":\"#meta\"},\"if\":{\"$dynamicRef\":"
	    "\"#meta\"},\"then\":{\"$dynamicRef\":\"#meta\"},\"else\":{\"$dyn"
	    "amicRef\":\"#meta\"},\"allOf\":{\"$ref\":\"#/$defs/schemaArray\""
	    "},\"anyOf\":{\"$ref\":\"#/$defs/schemaArray\"},\"oneOf\":{\"$ref"
	    "\":\"#/$defs/schemaArray\"},\"not\":{\"$dynamicRef\":\"#meta\"}}"
	    ",\"$defs\":{\"schemaArray\":{\"type\":\"array\",\"minItems\":1,"
	    "\"items\":{\"$dynamicRef\":\"#meta\"}}}}" },
	{ "https://json-schema.org/draft/2020-12/meta/unevaluated",
	    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\""
	    "$id\":\"https://json-schema.org/draft/2020-12/meta/unevaluated\""
	    ",\"$vocabulary\":{\"https://json-schema.org/draft/2020-12/vocab/"
	    "unevaluated\":true},\"$dynamicAnchor\":\"meta\",\"title\":\"Unev"
	    "aluated applicator vocabulary meta-schema\",\"type\":[\"object\""
	    ",\"boolean\"],\"properties\":{\"unevaluatedItems\":{\"$dynamicRe"
	    "f\":\"#meta\"},\"unevaluatedProperties\":{\"$dynamicRef\":\"#met"
	    "a\"}}}" },
	{ "https://json-schema.org/draft/2020-12/meta/validation",
	    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\""
	    "$id\":\"https://json-schema.org/draft/2020-12/meta/validation\","
	    "\"$vocabulary\":{\"https://json-schema.org/draft/2020-12/vocab/v"
	    "alidation\":true},\"$dynamicAnchor\":\"meta\",\"title\":\"Valida"
	    "tion vocabulary meta-schema\",\"type\":[\"object\",\"boolean\"],"
	    "\"properties\":{\"type\":{\"anyOf\":[{\"$ref\":\"#/$defs/simpleT"
	    "ypes\"},{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/simple"
	    "Types\"},\"minItems\":1,\"uniqueItems\":true}]},\"const\":true,"
	    "\"enum\":{\"type\":\"array\",\"items\":true},\"multipleOf\":{\"t"
	    "ype\":\"number\",\"exclusiveMinimum\":0},\"maximum\":{\"type\":"
	    "\"number\"},\"exclusiveMaximum\":{\"type\":\"number\"},\"minimum"
	    "\":{\"type\":\"number\"},\"exclusiveMinimum\":{\"type\":\"number"
	    "\"},\"maxLength\":{\"$ref\":\"#/$defs/nonNegativeInteger\"},\"mi"
	    "nLength\":{\"$ref\":\"#/$defs/nonNegativeIntegerDefault0\"},\"pa"
	    "ttern\":{\"type\":\"string\",\"format\":\"regex\"},\"maxItems\":"
	    "{\"$ref\":\"#/$defs/nonNegativeInteger\"},\"minItems\":{\"$ref\""
	    ":\"#/$defs/nonNegativeIntegerDefault0\"},\"uniqueItems\":{\"type"
	    "\":\"boolean\",\"default\":false},\"maxContains\":{\"$ref\":\"#/"
	    "$defs/nonNegativeInteger\"},\"minContains\":{\"$ref\":\"#/$defs/"
	    "nonNegativeInteger\",\"default\":1},\"maxProperties\":{\"$ref\":"
	    "\"#/$defs/nonNegativeInteger\"},\"minProperties\":{\"$ref\":\"#/"
	    "$defs/nonNegativeIntegerDefault0\"},\"required\":{\"$ref\":\"#/$"
	    "defs/stringArray\"},\"dependentRequired\":{\"type\":\"object\","
	    "\"additionalProperties\":{\"$ref\":\"#/$defs/stringArray\"}}},\""
	    "$defs\":{\"nonNegativeInteger\":{\"type\":\"integer\",\"minimum"
	    "\":0},\"nonNegativeIntegerDefault0\":{\"$ref\":\"#/$defs/nonNega"
	    "tiveInteger\",\"default\":0},\"simpleTypes\":{\"enum\":[\"array"
	    "\",\"boolean\",\"integer\",\"null\",\"number\",\"object\",\"stri"
	    "ng\"]},\"stringArray\":{\"type\":\"array\",\"items\":{\"type\":"
	    "\"string\"},\"uniqueItems\":true,\"default\":[]}}}" },
	{ "https://json-schema.org/draft/2020-12/meta/meta-data",
	    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\""
	    "$id\":\"https://json-schema.org/draft/2020-12/meta/meta-data\","
	    "\"$vocabulary\":{\"https://json-schema.org/draft/2020-12/vocab/m"
	    "eta-data\":true},\"$dynamicAnchor\":\"meta\",\"title\":\"Meta-da"
	    "ta vocabulary meta-schema\",\"type\":[\"object\",\"boolean\"],\""
	    "properties\":{\"title\":{\"type\":\"string\"},\"description\":{"
	    "\"type\":\"string\"},\"default\":true,\"deprecated\":{\"type\":"
	    "\"boolean\",\"default\":false},\"readOnly\":{\"type\":\"boolean"
	    "\",\"default\":false},\"writeOnly\":{\"type\":\"boolean\",\"defa"
	    "ult\":false},\"examples\":{\"type\":\"array\",\"items\":true}}}" },
	{ "https://json-schema.org/draft/2020-12/meta/format-annotation",
	    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\""
	    "$id\":\"https://json-schema.org/draft/2020-12/meta/format-annota"
	    "tion\",\"$vocabulary\":{\"https://json-schema.org/draft/2020-12/"
	    "vocab/format-annotation\":true},\"$dynamicAnchor\":\"meta\",\"ti"
	    "tle\":\"Format vocabulary meta-schema for annotation results\","
	    "\"type\":[\"object\",\"boolean\"],\"properties\":{\"format\":{\""
	    "type\":\"string\"}}}" },
	{ "https://json-schema.org/draft/2020-12/meta/format-assertion",
	    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\""
	    "$id\":\"https://json-schema.org/draft/2020-12/meta/format-assert"
	    "ion\",\"$vocabulary\":{\"https://json-schema.org/draft/2020-12/v"
	    "ocab/format-assertion\":true},\"$dynamicAnchor\":\"meta\",\"titl"
	    "e\":\"Format vocabulary meta-schema for assertion results\",\"ty"
	    "pe\":[\"object\",\"boolean\"],\"properties\":{\"format\":{\"type"
	    "\":\"string\"}}}" },
	{ "https://json-schema.org/draft/2020-12/meta/content",
	    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\""
	    "$id\":\"https://json-schema.org/draft/2020-12/meta/content\",\"$"
	    "vocabulary\":{\"https://json-schema.org/draft/2020-12/vocab/cont"
	    "ent\":true},\"$dynamicAnchor\":\"meta\",\"title\":\"Content voca"
	    "bulary meta-schema\",\"type\":[\"object\",\"boolean\"],\"propert"
	    "ies\":{\"contentEncoding\":{\"type\":\"string\"},\"contentMediaT"
	    "ype\":{\"type\":\"string\"},\"contentSchema\":{\"$dynamicRef\":"
	    "\"#meta\"}}}" },
	{ "http://json-schema.org/draft-07/schema",
	    "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"$id\""
	    ":\"http://json-schema.org/draft-07/schema#\",\"title\":\"Core sc"
	    "hema meta-schema\",\"definitions\":{\"schemaArray\":{\"type\":\""
	    "array\",\"minItems\":1,\"items\":{\"$ref\":\"#\"}},\"nonNegative"
	    "Integer\":{\"type\":\"integer\",\"minimum\":0},\"nonNegativeInte"
	    "gerDefault0\":{\"allOf\":[{\"$ref\":\"#/definitions/nonNegativeI"
	    "nteger\"},{\"default\":0}]},\"simpleTypes\":{\"enum\":[\"array\""
	    ",\"boolean\",\"integer\",\"null\",\"number\",\"object\",\"string"
	    "\"]},\"stringArray\":{\"type\":\"array\",\"items\":{\"type\":\"s"
	    "tring\"},\"uniqueItems\":true,\"default\":[]}},\"type\":[\"objec"
	    "t\",\"boolean\"],\"properties\":{\"$id\":{\"type\":\"string\",\""
	    "format\":\"uri-reference\"},\"$schema\":{\"type\":\"string\",\"f"
	    "ormat\":\"uri\"},\"$ref\":{\"type\":\"string\",\"format\":\"uri-"
	    "reference\"},\"$comment\":{\"type\":\"string\"},\"title\":{\"typ"
	    "e\":\"string\"},\"description\":{\"type\":\"string\"},\"default"
	    "\":true,\"readOnly\":{\"type\":\"boolean\",\"default\":false},\""
	    "examples\":{\"type\":\"array\",\"items\":true},\"multipleOf\":{"
	    "\"type\":\"number\",\"exclusiveMinimum\":0},\"maximum\":{\"type"
	    "\":\"number\"},\"exclusiveMaximum\":{\"type\":\"number\"},\"mini"
	    "mum\":{\"type\":\"number\"},\"exclusiveMinimum\":{\"type\":\"num"
	    "ber\"},\"maxLength\":{\"$ref\":\"#/definitions/nonNegativeIntege"
	    "r\"},\"minLength\":{\"$ref\":\"#/definitions/nonNegativeIntegerD"
	    "efault0\"},\"pattern\":{\"type\":\"string\",\"format\":\"regex\""
	    "},\"additionalItems\":{\"$ref\":\"#\"},\"items\":{\"anyOf\":[{\""
	    "$ref\":\"#\"},{\"$ref\":\"#/definitions/schemaArray\"}],\"defaul"
	    "t\":true},\"maxItems\":{\"$ref\":\"#/definitions/nonNegativeInte"
	    "ger\"},\"minItems\":{\"$ref\":\"#/definitions/nonNegativeInteger"
	    "Default0\"},\"uniqueItems\":{\"type\":\"boolean\",\"default\":fa"
	    "lse},\"contains\":{\"$ref\":\"#\"},\"maxProperties\":{\"$ref\":"
	    "\"#/definitions/nonNegativeInteger\"},\"minProperties\":{\"$ref"
	    "\":\"#/definitions/nonNegativeIntegerDefault0\"},\"required\":{"
	    "\"$ref\":\"#/definitions/stringArray\"},\"additionalProperties\""
	    ":{\"$ref\":\"#\"},\"definitions\":{\"type\":\"object\",\"additio"
	    "nalProperties\":{\"$ref\":\"#\"},\"default\":{}},\"properties\":"
	    "{\"type\":\"object\",\"additionalProperties\":{\"$ref\":\"#\"},"
	    "\"default\":{}},\"patternProperties\":{\"type\":\"object\",\"add"
	    "itionalProperties\":{\"$ref\":\"#\"},\"propertyNames\":{\"format"
	    "\":\"regex\"},\"default\":{}},\"dependencies\":{\"type\":\"objec"
	    "t\",\"additionalProperties\":{\"anyOf\":[{\"$ref\":\"#\"},{\"$re"
	    "f\":\"#/definitions/stringArray\"}]}},\"propertyNames\":{\"$ref"
	    "\":\"#\"},\"const\":true,\"enum\":{\"type\":\"array\",\"items\":"
	    "true},\"type\":{\"anyOf\":[{\"$ref\":\"#/definitions/simpleTypes"
	    "\"},{\"type\":\"array\",\"items\":{\"$ref\":\"#/definitions/simp"
	    "leTypes\"},\"minItems\":1,\"uniqueItems\":true}]},\"format\":{\""
	    "type\":\"string\"},\"contentMediaType\":{\"type\":\"string\"},\""
	    "contentEncoding\":{\"type\":\"string\"},\"if\":{\"$ref\":\"#\"},"
	    "\"then\":{\"$ref\":\"#\"},\"else\":{\"$ref\":\"#\"},\"allOf\":{"
	    "\"$ref\":\"#/definitions/schemaArray\"},\"anyOf\":{\"$ref\":\"#/"
	    "definitions/schemaArray\"},\"oneOf\":{\"$ref\":\"#/definitions/s"
	    "chemaArray\"},\"not\":{\"$ref\":\"#\"}},\"default\":true}" },
};

const char *
jsmeta_text(const char *uri, size_t n)
{
	size_t i;

	if (n > 0 && uri[n - 1] == '#')
		n--;
	/* The draft 7 meta-schema is also known by its https URI. */
	if (n == 39 && strncmp(uri, "https://json-schema.org/draft-07/schema",
	    n) == 0) {
		uri = "http://json-schema.org/draft-07/schema";
		n = 38;
	}
	for (i = 0; i < sizeof(metas) / sizeof(metas[0]); i++)
		if (strlen(metas[i].uri) == n &&
		    strncmp(metas[i].uri, uri, n) == 0)
			return metas[i].text;
	return NULL;
}
