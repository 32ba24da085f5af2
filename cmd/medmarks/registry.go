package main

import (
	"github.com/medarc-ai/medmarks-t/envs"
	"github.com/medarc-ai/medmarks-t/envs/medcalcbench"
	"github.com/medarc-ai/medmarks-t/envs/medcasereasoning"
	"github.com/medarc-ai/medmarks-t/envs/meddialog"
	"github.com/medarc-ai/medmarks-t/envs/medec"
	"github.com/medarc-ai/medmarks-t/envs/medmcqa"
	"github.com/medarc-ai/medmarks-t/envs/medqa"
	"github.com/medarc-ai/medmarks-t/envs/pubmedqa"
)

// constructors lists every environment, in ListEnvs order. Adding an env is
// one line here (../shared/guide/ARCHITECTURE.md §7).
func constructors() []envs.Constructor {
	return []envs.Constructor{
		medqa.New,
		medmcqa.New,
		pubmedqa.New,
		medcalcbench.New,
		medec.New,
		meddialog.New,
		medcasereasoning.New,
	}
}
