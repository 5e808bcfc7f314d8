// Package varnish runs Varnish in front of the server on loopback, for the
// cache test and the load test through a cache: varnishd in the foreground
// with a working directory of its own, the VCL given, its backend pointed
// at the server.
package varnish

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Start runs varnishd (the binary at daemon) with the VCL at vclPath, whose
// backend port ("8080" in the file) is replaced by backend's, listening on a
// free loopback port, with its files in dir. It returns Varnish's address
// once it answers /healthz, and a function that stops it.
func Start(ctx context.Context, daemon, vclPath, backend, dir string) (string, func(), error) {
	src, err := os.ReadFile(vclPath)
	if err != nil {
		return "", nil, err
	}
	u, err := url.Parse(backend)
	if err != nil {
		return "", nil, err
	}
	if !strings.Contains(string(src), `.port = "8080";`) {
		return "", nil, errors.New(vclPath + ` has no backend .port = "8080";`)
	}
	vcl := strings.Replace(string(src), `.port = "8080";`, `.port = "`+u.Port()+`";`, 1)
	vclFile := filepath.Join(dir, "claimtrack.vcl")
	if err := os.WriteFile(vclFile, []byte(vcl), 0o644); err != nil {
		return "", nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	listen := "127.0.0.1:" + strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	l.Close()
	cmd := exec.CommandContext(ctx, daemon, "-F", "-n", filepath.Join(dir, "varnish"), "-a", listen, "-f", vclFile,
		"-s", "malloc,64m", "-T", "none", "-j", "none", "-p", "default_grace=0s")
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("varnishd: %w", err)
	}
	stop := func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get("http://" + listen + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return "http://" + listen, stop, nil
			}
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("varnish did not answer within 20 s: %s", out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
