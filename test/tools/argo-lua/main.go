// argo-lua runs an Argo CD resource health check the way Argo CD does: the
// object (JSON on stdin) is the global `obj`, the script (gopher-lua, the
// interpreter Argo CD embeds, with the same safe libraries) returns a table
// with `status` and `message`, printed here as JSON.
//
//	argo-lua health.lua < object.json
package main

import (
	"encoding/json"
	"fmt"
	"os"

	lua "github.com/yuin/gopher-lua"
)

func toLua(L *lua.LState, v any) lua.LValue {
	switch x := v.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(x)
	case float64:
		return lua.LNumber(x)
	case string:
		return lua.LString(x)
	case []any:
		t := L.NewTable()
		for i, e := range x {
			t.RawSetInt(i+1, toLua(L, e))
		}
		return t
	case map[string]any:
		t := L.NewTable()
		for k, e := range x {
			t.RawSetString(k, toLua(L, e))
		}
		return t
	}
	return lua.LNil
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "argo-lua: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 2 {
		fail("usage: argo-lua SCRIPT < object.json")
	}
	var obj any
	if err := json.NewDecoder(os.Stdin).Decode(&obj); err != nil {
		fail("reading the object: %v", err)
	}
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	// Argo CD opens these (and a reduced os) for health scripts.
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
	} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	L.SetGlobal("obj", toLua(L, obj))
	if err := L.DoFile(os.Args[1]); err != nil {
		fail("%v", err)
	}
	hs, ok := L.Get(-1).(*lua.LTable)
	if !ok {
		fail("the script returned %s, not a table", L.Get(-1).Type())
	}
	out := map[string]string{
		"status":  lua.LVAsString(hs.RawGetString("status")),
		"message": lua.LVAsString(hs.RawGetString("message")),
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail("%v", err)
	}
}
