package coihttp

import (
	_ "embed"
	"encoding/json"
	"strings"
)

//go:embed assets/coi-serviceworker.js
var serviceWorker string

// ServiceWorkerName is the file name of ServiceWorker's script; a page
// loads it with <script src="coi-serviceworker.js"> before its other
// scripts, and the worker's scope is the folder it sits in.
const ServiceWorkerName = "coi-serviceworker.js"

// ServiceWorker returns the script that isolates a page on a host that
// cannot send headers, with the header table filled in.
func ServiceWorker() []byte {
	m := map[string]string{}
	for _, h := range headers {
		m[h.Name] = h.Value
	}
	table, _ := json.Marshal(m)
	return []byte(strings.Replace(serviceWorker, "/*HEADERS*/ {}", string(table), 1))
}
