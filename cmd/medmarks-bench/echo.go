package main

import (
	"errors"
	"io"
	"net"
	"runtime"

	"google.golang.org/grpc"
	"google.golang.org/grpc/mem"
)

// rawCodec passes message bytes through untouched: the echo baseline moves
// exactly the bytes of the ScoreBatch requests, with no decoding.
type rawCodec struct{}

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(*(v.(*[]byte)))}, nil
}

func (rawCodec) Unmarshal(data mem.BufferSlice, v any) error {
	*(v.(*[]byte)) = data.Materialize()
	return nil
}

func (rawCodec) Name() string { return "proto" }

var echoDesc = grpc.ServiceDesc{
	ServiceName: "medmarks.bench.Echo",
	HandlerType: (*any)(nil),
	Streams: []grpc.StreamDesc{{StreamName: "Stream", ServerStreams: true, ClientStreams: true,
		Handler: func(_ any, stream grpc.ServerStream) error {
			var b []byte
			for {
				if err := stream.RecvMsg(&b); err != nil {
					if errors.Is(err, io.EOF) {
						return nil
					}
					return err
				}
				if err := stream.SendMsg(&b); err != nil {
					return err
				}
			}
		}}},
}

func serveEcho(addr string) error {
	lis, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s := grpc.NewServer(grpc.ForceServerCodecV2(rawCodec{}))
	s.RegisterService(&echoDesc, struct{}{})
	return s.Serve(lis)
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }
